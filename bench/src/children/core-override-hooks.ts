/** Module hooks for core-override: `@wxbot/core` resolves to the given build. */
let index = '';

export function initialize(data: { index: string }): void {
  index = data.index;
}

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === '@wxbot/core' && index !== '') return { url: index, shortCircuit: true };
  return next(specifier, context);
}
