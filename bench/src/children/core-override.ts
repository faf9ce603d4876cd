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
 * `@wxbot/core/<sub>` → file URL in the given build, from the `exports` of the package.json copied
 * beside its dist (bench/README: copy it too). Without these the subpaths (`/client`, `/runtime`)
 * resolved to the current build, so "wxbot before" ran the old `Bot` over the new client.
 */
function subpathsOf(distDir: string): Record<string, string> {
  const manifest = join(distDir, '..', 'package.json');
  if (!existsSync(manifest)) return {};
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports?: Record<string, string | { default?: string }>;
  };
  const out: Record<string, string> = {};
  for (const [key, target] of Object.entries(exports ?? {})) {
    const file = typeof target === 'string' ? target : target.default;
    if (key === '.' || !key.startsWith('./') || file === undefined || !file.startsWith('./dist/')) continue;
    out[`@wxbot/core/${key.slice(2)}`] = pathToFileURL(join(distDir, file.slice('./dist/'.length))).href;
  }
  return out;
}

const dist = process.env['BENCH_CORE_DIST'];
// BENCH_SERVER_DIST: the same for @wxbot/server (cold start with `--baseline-server`).
const serverDist = process.env['BENCH_SERVER_DIST'];
if (dist || serverDist) {
  register('./core-override-hooks.js', import.meta.url, {
    data: {
      ...(dist ? { index: pathToFileURL(join(dist, 'index.js')).href, subpaths: subpathsOf(dist) } : {}),
      ...(serverDist ? { server: pathToFileURL(join(serverDist, 'index.js')).href } : {}),
    },
  });
}
