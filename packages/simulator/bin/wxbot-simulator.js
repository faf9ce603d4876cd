#!/usr/bin/env node
// Shim so the bin exists before the first build; `pnpm install` runs `tsc -b`, which creates dist/.
import('../dist/cli.js')
  .then((m) => m.main())
  .catch((err) => {
    process.stderr.write(`wxbot-simulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
