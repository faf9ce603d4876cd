#!/usr/bin/env node
// Committed shim: a bin pointing straight into an unbuilt dist/ is not linked
// on a fresh install, so the bin is this file and it finds the build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write(
    'wxbot: @wxbot/core is not built (missing dist/cli/main.js). Run `pnpm build` in the wxbot repository, or reinstall the package.\n',
  );
  process.exit(1);
}
// Before anything big loads: Node's compile cache (Node >= 22.1; per-user directory, see
// src/cli/compile-cache.ts), then a small young generation
// (see src/runtime/young-generation.ts; NODE_OPTIONS=--max-semi-space-size=N overrides).
const { enableCompileCache } = await import(new URL('../dist/cli/compile-cache.js', import.meta.url).href);
enableCompileCache();
const { capYoungGeneration } = await import(new URL('../dist/runtime/young-generation.js', import.meta.url).href);
capYoungGeneration();
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
