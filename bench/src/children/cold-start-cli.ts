/**
 * `wxbot`'s bin against the build named by BENCH_CORE_DIST (cold start with `--baseline-core`): the same
 * two steps as packages/core/bin/wxbot.js — cap the young generation, then the CLI's main — from that dist.
 * Run with `--import children/core-override.js`, so `@wxbot/core` (which @wxbot/server imports) is that build too.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env['BENCH_CORE_DIST'];
if (!dist) throw new Error('cold-start-cli: set BENCH_CORE_DIST to a built core dist');
const young = (await import(pathToFileURL(join(dist, 'runtime', 'young-generation.js')).href)) as {
  capYoungGeneration(): boolean;
};
young.capYoungGeneration();
const cli = (await import(pathToFileURL(join(dist, 'cli', 'main.js')).href)) as {
  main(argv: string[]): Promise<number>;
};
process.exitCode = await cli.main(process.argv.slice(2));
