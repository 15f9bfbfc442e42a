/**
 * Build step (`npm run build`, after tsc): compiles the Winograd kernel's
 * generated AssemblyScript into build/kernels/winograd-f4.wasm, beside the
 * source it was made from (to read). AssemblyScript is a build-time
 * dependency only: the app loads the .wasm with WebAssembly itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { winogradKernelSource } from './kernel-source.js';
import { KERNEL_FILE } from './winograd-conv.js';

const wasmPath = fileURLToPath(KERNEL_FILE);
const source = winogradKernelSource();
const result = await asc.compileString(source, {
  optimizeLevel: 3,
  shrinkLevel: 0,
  noAssert: true,
  runtime: 'stub',
  enable: ['simd'],
  initialMemory: 16,
});
if (result.error || !result.binary) {
  // compileString collects the compiler's diagnostics in a memory stream.
  const diagnostics = (result.stderr as asc.MemoryStream).toString();
  process.stderr.write(`building ${wasmPath} failed: ${result.error?.message ?? 'no binary'}\n${diagnostics}\n`);
  process.exitCode = 1;
} else {
  fs.mkdirSync(path.dirname(wasmPath), { recursive: true });
  fs.writeFileSync(wasmPath.replace(/\.wasm$/, '.ts'), source);
  fs.writeFileSync(wasmPath, result.binary);
  process.stdout.write(`built ${path.relative(process.cwd(), wasmPath)} (${result.binary.length} bytes)\n`);
}
