/**
 * `--import` this (with BENCH_CORE_DIST=<a built core's dist>) to run a bench
 * child against another build of @wxbot/core: the before/after of a change,
 * side by side in one run (`pnpm bench --only=latency --baseline-core=<dist>`).
 */
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env['BENCH_CORE_DIST'];
if (dist) {
  register('./core-override-hooks.js', import.meta.url, {
    data: { index: pathToFileURL(join(dist, 'index.js')).href },
  });
}
