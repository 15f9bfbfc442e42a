import { Command, CommanderError } from 'commander';
import { CliContext, type GlobalOptions } from './context.js';
import { commandModules } from './commands/index.js';
import { EarmarkError, UsageError, CancelledError, errorMessage } from '../core/errors.js';

export function buildProgram(getContext: () => CliContext): Command {
  const program = new Command('earmark')
    .description('Tags your own music library by listening to it, and learns your own words for music.')
    .option('--db <file>', 'library database (default: earmark.db in the data directory)')
    .option('--json', 'machine-readable output')
    .option('--debug', 'show stack traces on errors')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commandModules) register(program, getContext);
  return program;
}

/** Runs the CLI and returns the exit code; only bin/earmark.js exits the process. */
export async function main(argv: readonly string[]): Promise<number> {
  let ctx: CliContext | undefined;
  const program = buildProgram(() => {
    ctx ??= new CliContext(program.opts<GlobalOptions>());
    return ctx;
  });
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help or its one-line error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
    }
    if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? err.message}\n`);
    else process.stderr.write(`earmark: ${errorMessage(err)}\n`);
    if (err instanceof CancelledError) return 130;
    if (err instanceof UsageError) return 2;
    if (err instanceof EarmarkError) return 1;
    return 1;
  } finally {
    ctx?.close();
  }
}
