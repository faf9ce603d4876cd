// Bundles core's tsc output (dist/) into dist/bundle/: one ES module per package entry, with the modules
// they share in shared chunks, npm dependencies left external. Why (decision 0034): a `wxbot start` loaded
// ~200 of core's files before its banner, and Node's loader pays per file (resolve, read, compile, link).
// Every entry of package.json `exports` is an entry here, so the CLI, a plugin importing `@wxbot/core` and
// the server importing `@wxbot/core/transport` load the same chunk files: one copy of every class.
//
// All outputs sit directly in dist/bundle/ (two levels under the package, like dist/cli/), so the
// `new URL('../../package.json', import.meta.url)` reads in cli/ still find core's package.json.
//
// It writes dist/bundle/.source last: the hash of tsc's dist/.tsbuildinfo it was made from. The bin (and
// the bench) compare it with the current one and refuse a bundle older than the build it would stand for.
//
//   node packages/core/scripts/bundle.mjs      (part of `pnpm build`, the root `prepare` and `api:check`)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** package.json `exports` subpath → the tsc output it bundles (and the bin's own two early modules). */
export const ENTRIES = {
  index: 'dist/index.js',
  testing: 'dist/testing/index.js',
  runtime: 'dist/runtime/index.js',
  client: 'dist/client/index.js',
  transport: 'dist/transport/index.js',
  cli: 'dist/cli/main.js',
  'compile-cache': 'dist/cli/compile-cache.js',
  'young-generation': 'dist/runtime/young-generation.js',
};

/** The fingerprint of the tsc build a bundle is made from (the bin computes the same). */
export function buildFingerprint(dir = root) {
  return createHash('sha1')
    .update(readFileSync(join(dir, 'dist', '.tsbuildinfo')))
    .digest('hex');
}

export async function bundle(dir = root) {
  let source;
  try {
    source = buildFingerprint(dir);
  } catch {
    throw new Error(
      `bundle: ${join(dir, 'dist', '.tsbuildinfo')} is missing; run \`npx tsc -b tsconfig.build.json\` first`,
    );
  }
  const out = join(dir, 'dist', 'bundle');
  // Up to date: like `tsc -b`, a second build writes nothing (tests run `pnpm build` while others run the bin).
  if (readStamp(out) === source) return false;
  // Built beside, then swapped in: no chunk of an older bundle lingers, and no reader sees half a bundle.
  const next = `${out}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  await build({
    absWorkingDir: dir,
    entryPoints: ENTRIES,
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Composed with tsc's maps: stack traces under --enable-source-maps and the bench's profile name src/.
    sourcemap: true,
    chunkNames: 'chunk-[hash]',
    logLevel: 'warning',
  });
  writeFileSync(join(next, '.source'), `${source}\n`);
  const old = `${out}.old-${process.pid}`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(next, out);
  rmSync(old, { recursive: true, force: true });
  return true;
}

function readStamp(out) {
  try {
    return readFileSync(join(out, '.source'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const wrote = await bundle();
  const what = wrote ? `written in ${Date.now() - started} ms` : 'up to date';
  process.stdout.write(`@wxbot/core: dist/bundle ${what}\n`);
}
