/** Module hooks for core-override: `@wxbot/core` (and `@wxbot/server`, when given) resolve to the given builds. */
let index = '';
let server = '';
/** `@wxbot/core/client` and the like: the given build's subpath entries (see core-override.ts). */
let subpaths: Readonly<Record<string, string>> = {};

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
  // A subpath the given build's package.json exports (bundled or not): that file.
  const sub = subpaths[specifier];
  if (sub !== undefined) return { url: sub, shortCircuit: true };
  // Its subpaths too (`@wxbot/core/client`, `/runtime`, …: the bench harness builds the client from
  // `/client`): resolved as usual, then moved from this build's dist to the given one.
  if (specifier.startsWith('@wxbot/core/') && index !== '') {
    const found = await next(specifier, context);
    const at = found.url.lastIndexOf('/packages/core/dist/');
    if (at !== -1) {
      const rest = found.url.slice(at + '/packages/core/dist/'.length);
      return { url: new URL(rest, new URL('.', index)).href, shortCircuit: true };
    }
    return found;
  }
  if (specifier === '@wxbot/server' && server !== '') return { url: server, shortCircuit: true };
  // A server subpath the given (older) build does not have: as that package would answer, so core falls
  // back to its main entry instead of loading this workspace's file (`@wxbot/server/control-plane`).
  if (specifier.startsWith('@wxbot/server/') && server !== '')
    throw Object.assign(
      new Error(
        `Package subpath '.${specifier.slice('@wxbot/server'.length)}' is not defined by "exports" in the --baseline-server build`,
      ),
      {
        code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      },
    );
  return next(specifier, context);
}
