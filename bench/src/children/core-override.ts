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
  for (const [key, target] of Object.entries(exportsOf(dist))) {
    if (key === '.' || !key.startsWith('./')) continue;
    const file = defaultOf(target);
    if (file === undefined || !file.startsWith('./dist/') || !file.endsWith('.js')) continue;
    const path = join(dist, file.slice('./dist/'.length));
    if (existsSync(path)) out[`${name}/${key.slice(2)}`] = pathToFileURL(path).href;
  }
  return out;
}

/** An `exports` target's file: the string itself, or its `default` condition. */
function defaultOf(target: unknown): string | undefined {
  const file = typeof target === 'string' ? target : (target as { default?: unknown } | null | undefined)?.default;
  return typeof file === 'string' ? file : undefined;
}

function exportsOf(dist: string): Record<string, unknown> {
  const pkgFile = join(dist, '..', 'package.json');
  if (!existsSync(pkgFile)) return {};
  return (JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, unknown> }).exports ?? {};
}

/**
 * The build's main entry: its package.json's `.` export when that file exists (a bundled core runs from
 * dist/bundle/index.js, decision 0034), else `<dist>/index.js`.
 */
function mainEntry(dist: string): string {
  const file = defaultOf(exportsOf(dist)['.']);
  const path = file?.startsWith('./dist/') ? join(dist, file.slice('./dist/'.length)) : '';
  return pathToFileURL(path !== '' && existsSync(path) ? path : join(dist, 'index.js')).href;
}

const dist = process.env['BENCH_CORE_DIST'];
// BENCH_SERVER_DIST: the same for @wxbot/server (cold start with `--baseline-server`).
const serverDist = process.env['BENCH_SERVER_DIST'];
if (dist || serverDist) {
  register('./core-override-hooks.js', import.meta.url, {
    data: {
      ...(dist ? { index: mainEntry(dist) } : {}),
      ...(serverDist ? { server: mainEntry(serverDist) } : {}),
      subpaths: {
        ...(dist ? subpaths('@wxbot/core', dist) : {}),
        ...(serverDist ? subpaths('@wxbot/server', serverDist) : {}),
      },
    },
  });
}
