/**
 * `wxbot`'s bin against the build named by BENCH_CORE_DIST (cold start with `--baseline-core`): the same
 * steps as packages/core/bin/wxbot.js — the compile cache where the build has it, cap the young generation,
 * then the CLI's main — from that dist.
 * Run with `--import children/core-override.js`, so `@wxbot/core` (which @wxbot/server imports) is that build too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env['BENCH_CORE_DIST'];
if (!dist) throw new Error('cold-start-cli: set BENCH_CORE_DIST to a built core dist');
// A bundled build (decision 0034) runs from dist/bundle/, as its bin does; an older one from tsc's files.
const bundled = existsSync(join(dist, 'bundle', 'cli.js'));
const file = (bundle: string, plain: string): string =>
  pathToFileURL(bundled ? join(dist, 'bundle', bundle) : join(dist, plain)).href;
// What that build's bin does first: Node's compile cache, when the build has it (issue 20, helper hS).
if (bundled || existsSync(join(dist, 'cli', 'compile-cache.js'))) {
  const cache = (await import(file('compile-cache.js', 'cli/compile-cache.js'))) as {
    enableCompileCache(): unknown;
  };
  cache.enableCompileCache();
}
const young = (await import(file('young-generation.js', 'runtime/young-generation.js'))) as {
  capYoungGeneration(): boolean;
};
young.capYoungGeneration();
const cli = (await import(file('cli.js', 'cli/main.js'))) as {
  main(argv: string[]): Promise<number>;
};
process.exitCode = await cli.main(process.argv.slice(2));
