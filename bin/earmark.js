#!/usr/bin/env node
// The `earmark` command. The TypeScript sources are compiled to build/ by
// `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../build/src-main/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('earmark: not built yet; run `npm run build` first\n');
  process.exit(1);
}
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`earmark: Node 22 or newer is required (this is ${process.version}); see README\n`);
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
