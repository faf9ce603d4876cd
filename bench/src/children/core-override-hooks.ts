/** Module hooks for core-override: `@wxbot/core` (and `@wxbot/server`, when given) resolve to the given builds. */
let index = '';
let server = '';

export function initialize(data: { index?: string; server?: string }): void {
  index = data.index ?? '';
  server = data.server ?? '';
}

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === '@wxbot/core' && index !== '') return { url: index, shortCircuit: true };
  if (specifier === '@wxbot/server' && server !== '') return { url: server, shortCircuit: true };
  return next(specifier, context);
}
