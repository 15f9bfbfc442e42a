/**
 * Test-only entry (never shipped: the app's build starts from src-renderer/index.html):
 * mounts one of the app's components, named by `?component=`, against the real API of
 * the server that serves this page. test/ui/components drives it in Chromium.
 */
import { mount } from 'svelte';
import '../src/app.css';
import { connect } from '../src/lib/api/client';
import Harness from './Harness.svelte';

const component = new URLSearchParams(window.location.search).get('component') ?? '';
const { api } = connect();
const target = document.getElementById('app');
if (!target) throw new Error('harness/index.html has no #app');
mount(Harness, { target, props: { api, component } });
