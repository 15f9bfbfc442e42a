/**
 * A metadata parser worker: reads one file at a time (content hash, then
 * tags) and answers on the port. It runs in its own thread so that the
 * scanner can cut off a parser that hangs (terminate and respawn) and so
 * parsing uses the other cores while the main thread walks and writes.
 */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { sampledContentHash } from './content-hash.js';
import { readMetadata } from './metadata.js';
import { openablePath } from './track-path.js';
import type { ParseRequest, ParseResponse } from './protocol.js';
import { fsErrorText } from './fs-errors.js';

async function handle(req: ParseRequest): Promise<ParseResponse> {
  const fsPath = typeof req.path === 'string' ? req.path : Buffer.from(req.path);
  let fd: number;
  try {
    fd = fs.openSync(fsPath, 'r');
  } catch (err) {
    return { id: req.id, ok: false, contentHash: null, error: `cannot open file: ${fsErrorText(err)}` };
  }
  try {
    let contentHash: string;
    let sizeBytes: number;
    try {
      sizeBytes = fs.fstatSync(fd).size;
      contentHash = sampledContentHash(fd, sizeBytes);
    } catch (err) {
      return { id: req.id, ok: false, contentHash: null, error: `cannot read file: ${fsErrorText(err)}` };
    }
    try {
      const meta = await readMetadata(openablePath(fsPath, fd), fd, sizeBytes);
      return { id: req.id, ok: true, contentHash, meta };
    } catch (err) {
      return { id: req.id, ok: false, contentHash, error: `cannot read metadata: ${err instanceof Error ? err.message : String(err)}` };
    }
  } finally {
    fs.closeSync(fd);
  }
}


const port = parentPort;
if (port === null) throw new Error('parse-worker.js must run as a worker thread');
// One file at a time, answered in the order asked: the pool times the one at the head.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: ParseRequest) => {
  queue = queue.then(async () => {
    port.postMessage(await handle(req));
  });
});
