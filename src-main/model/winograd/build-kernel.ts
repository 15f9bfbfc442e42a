/**
 * Build step (`npm run build`, after tsc): compiles the Winograd kernel's
 * generated AssemblyScript into build/kernels/winograd-f4.wasm, beside the
 * source it was made from (to read). AssemblyScript is a build-time
 * dependency only: the app loads the .wasm with WebAssembly itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { winogradKernelSource } from './kernel-source.js';
import { KERNEL_FILE } from './winograd-conv.js';

/** The part of AssemblyScript's compiler API used here. */
interface Asc {
  compileString(source: string, options: Record<string, unknown>): Promise<{ error: Error | null; binary: Uint8Array | null; stderr: { toString(): string } }>;
}
// Imported through a variable: the package's type declarations redeclare global
// types for AssemblyScript code (Array#at returning T, not T | undefined),
// which would weaken type checking across the whole project.
const specifier = 'assemblyscript/asc';
const asc = ((await import(specifier)) as { default: Asc }).default;

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
  const diagnostics = result.stderr.toString();
  process.stderr.write(`building ${wasmPath} failed: ${result.error?.message ?? 'no binary'}\n${diagnostics}\n`);
  process.exitCode = 1;
} else {
  fs.mkdirSync(path.dirname(wasmPath), { recursive: true });
  fs.writeFileSync(wasmPath.replace(/\.wasm$/, '.ts'), source);
  fs.writeFileSync(wasmPath, result.binary);
  process.stdout.write(`built ${path.relative(process.cwd(), wasmPath)} (${result.binary.length} bytes)\n`);
}
