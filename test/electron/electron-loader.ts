/** A module resolve hook for the main.ts test: `electron` resolves to the fake beside this file. */
interface ResolveContext {
  readonly parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'electron') return Promise.resolve({ url: new URL('./fake-electron.js', import.meta.url).href, shortCircuit: true });
  return next(specifier, context);
}
