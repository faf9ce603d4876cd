// Bundles the tsc output (dist/) of the packages a `wxbot start` loads into their dist/bundle/: one ES
// module per package entry, with the modules they share in shared chunks, npm packages (and the other
// @wxbot packages) left external. Why (decision 0034): Node's loader pays per file (resolve, read, compile,
// link), and a start loaded ~230 of these packages' files. Every entry of a package's `exports` is an
// entry here, so everyone importing that package by name (the CLI, a plugin, the server) loads the same
// chunk files: one copy of every class.
//
// All outputs sit directly in dist/bundle/ (two levels under the package, like dist/cli/), so
// `new URL('../../package.json', import.meta.url)` reads in core's cli/ still find its package.json.
//
// Each bundle is stamped (dist/bundle/.source) with the hash of the tsc build info it was made from.
// `staleBundles()` compares them: the `wxbot` and `wxbot-simulator` bins and `pnpm bench` refuse to run
// a bundle older than its tsc build in a checkout (a published package ships no build info).
//
//   node scripts/bundle.mjs [core|simulator|server ...]     (part of `pnpm build` and the root `prepare`)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Per package (its folder under packages/): output name → the tsc output it bundles. */
export const BUNDLES = {
  core: {
    index: 'dist/index.js',
    testing: 'dist/testing/index.js',
    runtime: 'dist/runtime/index.js',
    client: 'dist/client/index.js',
    transport: 'dist/transport/index.js',
    cli: 'dist/cli/main.js',
    // The bin's two early modules, loaded before the CLI: entries, so they are the CLI's own copies.
    'compile-cache': 'dist/cli/compile-cache.js',
    'young-generation': 'dist/runtime/young-generation.js',
  },
  simulator: {
    index: 'dist/index.js',
    web: 'dist/web.js',
    cli: 'dist/cli.js',
  },
  server: {
    index: 'dist/index.js',
    'control-plane': 'dist/control-plane.js',
    // Loaded with import() once the bot is up (decision 0033): entries, so they keep their own files.
    server: 'dist/server.js',
    webhooks: 'dist/webhooks/webhooks.js',
  },
};

/** The hash of a package's tsc build info, or undefined when it has none (a published package). */
export function fingerprint(dir) {
  const info = join(dir, 'dist', '.tsbuildinfo');
  if (!existsSync(info)) return undefined;
  return createHash('sha1').update(readFileSync(info)).digest('hex');
}

function stampOf(dir) {
  const stamp = join(dir, 'dist', 'bundle', '.source');
  return existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : undefined;
}

/**
 * One line per package of this checkout whose bundle is missing or older than its tsc build; empty when
 * every bundle is current (or there is no build info to compare with).
 */
export function staleBundles(root = repo) {
  const out = [];
  for (const name of Object.keys(BUNDLES)) {
    const dir = join(root, 'packages', name);
    const source = fingerprint(dir);
    if (source === undefined) continue;
    const stamp = stampOf(dir);
    if (stamp === undefined) out.push(`packages/${name}/dist/bundle/ is missing`);
    else if (stamp !== source) out.push(`packages/${name}/dist/bundle/ is older than its tsc build (dist/)`);
  }
  return out;
}

/** For the bins in a checkout: exits (status 1) naming every stale bundle and what to run. */
export function refuseStaleBundles(program) {
  const stale = staleBundles();
  if (stale.length === 0) return;
  process.stderr.write(`${program}: ${stale.join('; ')}. Run \`pnpm build\` in the wxbot repository.\n`);
  process.exit(1);
}

/** Bundles one package; false when its bundle was already current (nothing written). */
export async function bundle(name, root = repo) {
  const entries = Object.hasOwn(BUNDLES, name) ? BUNDLES[name] : undefined;
  if (entries === undefined)
    throw new Error(`bundle: no package "${name}" (choose from ${Object.keys(BUNDLES).join(', ')})`);
  const dir = join(root, 'packages', name);
  const source = fingerprint(dir);
  if (source === undefined)
    throw new Error(`bundle: ${join(dir, 'dist', '.tsbuildinfo')} is missing; build with tsc first`);
  const out = join(dir, 'dist', 'bundle');
  // Up to date: like `tsc -b`, a second build writes nothing (tests run `pnpm build` while others run a bin).
  if (stampOf(dir) === source) return false;
  // Built beside, then swapped in: no chunk of an older bundle lingers, and no reader sees half a bundle.
  const next = `${out}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: dir,
    entryPoints: entries,
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Composed with tsc's maps: stack traces under --enable-source-maps and the bench's profiles name src/.
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

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  try {
    for (const name of names.length > 0 ? names : Object.keys(BUNDLES)) {
      const started = Date.now();
      const wrote = await bundle(name);
      const what = wrote ? `written in ${Date.now() - started} ms` : 'up to date';
      process.stdout.write(`@wxbot/${name}: dist/bundle ${what}\n`);
    }
  } catch (error) {
    // esbuild has printed its own diagnostics (file:line) above; this says which step failed.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
