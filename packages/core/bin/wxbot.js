#!/usr/bin/env node
// Committed shim: a bin pointing straight into an unbuilt dist/ is not linked
// on a fresh install, so the bin is this file and it finds the build: core's
// bundle (dist/bundle/, see scripts/bundle.mjs and decision 0034).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = new URL('../dist/bundle/', import.meta.url);
const built = fileURLToPath(new URL('cli.js', bundle));
if (!existsSync(built)) {
  process.stderr.write(
    'wxbot: @wxbot/core is not built (missing dist/bundle/cli.js). Run `pnpm build` in the wxbot repository, or reinstall the package.\n',
  );
  process.exit(1);
}
// In a checkout of the wxbot repository (tsc's build info is here; a published package has none), a bundle
// made from an older tsc build would run old code while the sources and dist/ say otherwise: refuse it.
const checker = new URL('../../../scripts/bundle.mjs', import.meta.url);
if (existsSync(fileURLToPath(new URL('../dist/.tsbuildinfo', import.meta.url))) && existsSync(fileURLToPath(checker)))
  (await import(checker.href)).refuseStaleBundles('wxbot');
// Before anything big loads: Node's compile cache (Node >= 22.1; per-user directory, see
// src/cli/compile-cache.ts), then a small young generation
// (see src/runtime/young-generation.ts; NODE_OPTIONS=--max-semi-space-size=N overrides).
const { enableCompileCache } = await import(new URL('compile-cache.js', bundle).href);
enableCompileCache();
const { capYoungGeneration } = await import(new URL('young-generation.js', bundle).href);
capYoungGeneration();
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
