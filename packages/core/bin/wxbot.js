#!/usr/bin/env node
// Committed shim: a bin pointing straight into an unbuilt dist/ is not linked
// on a fresh install, so the bin is this file and it finds the build: core's
// bundle (dist/bundle/, see scripts/bundle.mjs and decision 0034).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = new URL('../dist/bundle/', import.meta.url);
const built = fileURLToPath(new URL('cli.js', bundle));
if (!existsSync(built)) {
  process.stderr.write(
    'wxbot: @wxbot/core is not built (missing dist/bundle/cli.js). Run `pnpm build` in the wxbot repository, or reinstall the package.\n',
  );
  process.exit(1);
}
// In a checkout (tsc's build info is there; a published package has none), a bundle made from an older
// tsc build would run old code while the sources and dist/ say otherwise: refuse it.
const buildInfo = fileURLToPath(new URL('../dist/.tsbuildinfo', import.meta.url));
if (existsSync(buildInfo)) {
  const { createHash } = await import('node:crypto');
  const now = createHash('sha1').update(readFileSync(buildInfo)).digest('hex');
  const stamp = fileURLToPath(new URL('.source', bundle));
  const made = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  if (made !== now) {
    process.stderr.write(
      'wxbot: the bundle of @wxbot/core (dist/bundle/) is older than its tsc build (dist/). Run `pnpm build` in the wxbot repository (or `node packages/core/scripts/bundle.mjs`).\n',
    );
    process.exit(1);
  }
}
// Before anything big loads: Node's compile cache (Node >= 22.1; per-user directory, see
// src/cli/compile-cache.ts), then a small young generation
// (see src/runtime/young-generation.ts; NODE_OPTIONS=--max-semi-space-size=N overrides).
const { enableCompileCache } = await import(new URL('compile-cache.js', bundle).href);
enableCompileCache();
const { capYoungGeneration } = await import(new URL('young-generation.js', bundle).href);
capYoungGeneration();
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
