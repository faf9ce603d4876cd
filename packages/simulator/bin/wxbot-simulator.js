#!/usr/bin/env node
// Shim so the bin exists before the first build; `pnpm install` builds dist/ and its bundle (dist/bundle/,
// decision 0034), which this runs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// In a checkout of the wxbot repository (tsc's build info is here; a published package has none), a bundle
// made from an older tsc build would run old code: refuse it (the check is the repository's build script's).
const checker = new URL('../../../scripts/bundle.mjs', import.meta.url);
if (existsSync(fileURLToPath(new URL('../dist/.tsbuildinfo', import.meta.url))) && existsSync(fileURLToPath(checker)))
  (await import(checker.href)).refuseStaleBundles('wxbot-simulator');
import('../dist/bundle/cli.js')
  .then((m) => m.main())
  .catch((err) => {
    process.stderr.write(`wxbot-simulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
