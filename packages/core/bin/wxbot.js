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
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
