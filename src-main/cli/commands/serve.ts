import { spawn } from 'node:child_process';
import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './index.js';
import { isLoopbackHost } from '../../server/access.js';
import { printLine } from '../output.js';

interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly open: boolean;
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65_535) throw new InvalidArgumentError(`expected a port number from 0 to 65535, got ${JSON.stringify(text)}`);
  return n;
}

/** Opens the default browser; where there is none (a headless machine) nothing happens. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the URL is printed anyway.
  }
}

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('serve')
    .description('serve the app and its API on a local web address (for a browser or a headless machine)')
    .option('--port <n>', 'port to listen on; 0 picks a free one', parsePort, 0)
    .option('--host <host>', 'address to bind (default 127.0.0.1: this machine only)', '127.0.0.1')
    .option('--no-open', 'do not open a browser')
    .addHelpText(
      'after',
      '\nThe first line of output is the address to open, with a token made for this launch;\nrequests without it are refused. Stop with Ctrl-C.',
    )
    .action(async (opts: ServeOptions) => {
      const ctx = getContext();
      if (!isLoopbackHost(opts.host)) {
        process.stderr.write(`earmark: warning: serving on ${opts.host}: other machines on the network can reach this server (the token still guards it; traffic is not encrypted)\n`);
      }
      // Loaded on use: the server pulls in the whole core (TensorFlow.js
      // included), which every other command would pay for at start-up.
      const { startServer } = await import('../../server/http-server.js');
      const server = await startServer({ db: ctx.db, dbPath: ctx.dbPath, dataDir: ctx.dataDir, env: ctx.env, host: opts.host, port: opts.port });
      // Signals are handled before the address is printed: whoever reads it may stop the server at once.
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.stderr.write(`earmark: ${signal}: stopping (running jobs are cancelled; finished work is kept)\n`);
          server.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      // The first line is the address, flushed at once: scripts and tests read it to connect.
      if (ctx.json) printLine(JSON.stringify({ url: server.url, origin: server.origin, port: server.port, token: server.token }));
      else printLine(server.url);
      process.stderr.write(`earmark: serving ${ctx.dbPath} at ${server.origin} (Ctrl-C to stop)\n`);
      if (opts.open) openBrowser(server.url);
      await stopped;
    });
};
