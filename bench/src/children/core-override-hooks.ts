/** Module hooks for core-override: `@wxbot/core` and its subpaths (and `@wxbot/server`, when given) resolve to the given builds. */
let index = '';
let server = '';
/** `@wxbot/core/<sub>` specifiers of the given core build (see core-override). */
let subpaths: Record<string, string> = {};

export function initialize(data: { index?: string; server?: string; subpaths?: Record<string, string> }): void {
  index = data.index ?? '';
  server = data.server ?? '';
  subpaths = data.subpaths ?? {};
}

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === '@wxbot/core' && index !== '') return { url: index, shortCircuit: true };
  const sub = subpaths[specifier];
  if (sub !== undefined) return { url: sub, shortCircuit: true };
  if (specifier === '@wxbot/server' && server !== '') return { url: server, shortCircuit: true };
  return next(specifier, context);
}
