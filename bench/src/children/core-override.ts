/**
 * `--import` this (with BENCH_CORE_DIST=<a built core's dist>) to run a bench
 * child against another build of @wxbot/core: the before/after of a change,
 * side by side in one run (`pnpm bench --only=latency --baseline-core=<dist>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The package's subpath entries (`@wxbot/core/client`, ...) in that build: from the package.json copied beside
 * its dist (`<dist>/../package.json`) when there is one, each kept only if the build has the file. Without
 * them a subpath import (the server imports `@wxbot/core/client`) would load this workspace's build as well,
 * a second copy of its modules that only the older build's row would pay for.
 */
function subpaths(name: string, dist: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pkgFile = join(dist, '..', 'package.json');
  if (!existsSync(pkgFile)) return out;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, unknown> };
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    if (key === '.' || !key.startsWith('./')) continue;
    const file = typeof target === 'string' ? target : (target as { default?: unknown } | null)?.default;
    if (typeof file !== 'string' || !file.startsWith('./dist/') || !file.endsWith('.js')) continue;
    const path = join(dist, file.slice('./dist/'.length));
    if (existsSync(path)) out[`${name}/${key.slice(2)}`] = pathToFileURL(path).href;
  }
  return out;
}

const dist = process.env['BENCH_CORE_DIST'];
// BENCH_SERVER_DIST: the same for @wxbot/server (cold start with `--baseline-server`).
const serverDist = process.env['BENCH_SERVER_DIST'];
if (dist || serverDist) {
  register('./core-override-hooks.js', import.meta.url, {
    data: {
      ...(dist ? { index: pathToFileURL(join(dist, 'index.js')).href } : {}),
      ...(serverDist ? { server: pathToFileURL(join(serverDist, 'index.js')).href } : {}),
      subpaths: {
        ...(dist ? subpaths('@wxbot/core', dist) : {}),
        ...(serverDist ? subpaths('@wxbot/server', serverDist) : {}),
      },
    },
  });
}
