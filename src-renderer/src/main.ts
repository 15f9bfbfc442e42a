import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { connect } from './lib/api/client';
import { AppState } from './lib/state/app.svelte';

const { api } = connect();
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app');
mount(App, { target, props: { app: new AppState(api) } });
