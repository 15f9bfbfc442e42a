import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { register as scan } from './scan.js';
import { register as ls } from './ls.js';
import { register as errors } from './errors.js';
import { register as stats } from './stats.js';
import { register as analyze } from './analyze.js';
import { register as show } from './show.js';
import { register as models } from './models.js';
import { register as doctor } from './doctor.js';
import { register as searchCommand } from './search.js';
import { register as playlist } from './playlist.js';
import { register as serve } from './serve.js';
import { register as tags } from './tags.js';
import { register as label } from './label.js';
import { register as train } from './train.js';
import { register as suggest } from './suggest.js';

/**
 * Each command module registers itself on the program. A command's action
 * receives the context (database, --json) through `getContext()`, so the
 * global options are parsed once, before any command runs.
 */
export type RegisterCommand = (program: Command, getContext: () => CliContext) => void;

export const commandModules: readonly RegisterCommand[] = [scan, ls, errors, stats, analyze, show, models, doctor, searchCommand, playlist, serve, tags, label, train, suggest];
