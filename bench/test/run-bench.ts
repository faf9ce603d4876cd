import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(benchDir, 'package.json'));

/**
 * Compiles the bench into a build directory of this test's own, then runs `main.js` there with `args` and
 * returns what it printed; `env` is added to this process's environment. Under dist/, so packages still resolve from bench/node_modules; its own, because
 * the other bench tests compile at the same time and a child forked mid-write would read half a file.
 */
export function runBench(
  build: string,
  args: readonly string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): string {
  const dir = compileBench(build);
  return execFileSync(process.execPath, [join(dir, 'main.js'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    env: { ...process.env, ...env },
  });
}

/** Compiles the bench into `bench/dist/<build>` (see runBench); returns that directory. */
export function compileBench(build: string): string {
  const dir = join(benchDir, 'dist', build);
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(benchDir, 'tsconfig.json'), '--outDir', dir],
    { stdio: 'pipe', timeout: 120_000 },
  );
  return dir;
}

/** Runs `main.js` of a build `runBench` made, expecting it to refuse: its exit status and what it printed to stderr. */
export function runBuiltBenchRefused(
  build: string,
  args: readonly string[],
): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(benchDir, 'dist', build, 'main.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}
