/**
 * `--import` this (with BENCH_CORE_DIST=<a built core's dist>) to run a bench
 * child against another build of @wxbot/core: the before/after of a change,
 * side by side in one run (`pnpm bench --only=latency --baseline-core=<dist>`).
 */
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env['BENCH_CORE_DIST'];
// BENCH_SERVER_DIST: the same for @wxbot/server (cold start with `--baseline-server`).
const serverDist = process.env['BENCH_SERVER_DIST'];
if (dist || serverDist) {
  register('./core-override-hooks.js', import.meta.url, {
    data: {
      ...(dist ? { index: pathToFileURL(join(dist, 'index.js')).href } : {}),
      ...(serverDist ? { server: pathToFileURL(join(serverDist, 'index.js')).href } : {}),
    },
  });
}
