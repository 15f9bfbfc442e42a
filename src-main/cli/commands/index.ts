import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/**
 * Each command module registers itself on the program. A command's action
 * receives the context (database, --json) through `getContext()`, so the
 * global options are parsed once, before any command runs.
 */
export type RegisterCommand = (program: Command, getContext: () => CliContext) => void;

export const commandModules: readonly RegisterCommand[] = [];
