import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runBench, runBuiltBenchRefused } from './run-bench.js';

const build = 'usage-test';

describe('the bench command line', () => {
  afterAll(() => {
    rmSync(join(fileURLToPath(new URL('..', import.meta.url)), 'dist', build), { recursive: true, force: true });
  });

  it('prints its flags with --help and runs nothing', () => {
    const out = runBench(build, ['--help'], 60_000);
    expect(out).toMatch(/--only=a,b +pipeline,memory,latency,cold-start,faults,/);
    expect(out).toMatch(/--latency-node=<path>/);
    expect(out).not.toMatch(/results: /);
  }, 180_000);

  it('refuses an unknown flag or a flag without its value in one line, naming it, with no stack', () => {
    const unknown = runBuiltBenchRefused(build, ['--onyl=latency']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^bench: Unknown option '--onyl'.*\nThe flags: pnpm bench --help\n$/);
    const missing = runBuiltBenchRefused(build, ['--only']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^bench: Option '--only <value>' argument missing\nThe flags: pnpm bench --help\n$/);
  });
});
