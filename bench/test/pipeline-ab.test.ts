import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { compileBench } from './run-bench.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The one-process A/B of the pipeline (src/pipeline-ab.ts), this checkout against itself: the "other"
 * checkout is a directory linking to this one's packages and to this test's bench build, as a second
 * worktree would hold them. Timings are printed, never asserted.
 */
describe('pipeline-ab', () => {
  let dir: string;
  let other: string;

  beforeAll(() => {
    dir = compileBench('pipeline-ab-test');
    other = mkdtempSync(join(tmpdir(), 'wxbot-pipeline-ab-'));
    symlinkSync(join(root, 'packages'), join(other, 'packages'));
    mkdirSync(join(other, 'bench'));
    symlinkSync(dir, join(other, 'bench', 'dist'));
  }, 180_000);

  afterAll(() => {
    rmSync(other, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [join(dir, 'pipeline-ab.js'), ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('runs both builds in one process, round by round, and prints their ratio', () => {
    const r = run([`--other=${other}`, '--rounds=2', '--round-ms=20', '--workloads=plain-text,text-with-reply']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\| (plain-text|text-with-reply) \|/.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [, mine, theirs, ratio] = row
        .split('|')
        .map((c) => c.trim())
        .slice(1);
      expect(mine!.split(' / ')).toHaveLength(2);
      expect(theirs!.split(' / ')).toHaveLength(2);
      expect(Number(ratio)).toBeGreaterThan(0);
    }
  }, 150_000);

  it('refuses a checkout that is not built, an unknown workload and a bad round count, naming the flag', () => {
    const missing = run(['--other=/nonexistent/checkout']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--other: \/nonexistent\/checkout\/packages\/core\/dist\/index\.js is missing/);
    const unknown = run([`--other=${other}`, '--workloads=plain-text,nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--workloads: unknown workload "nope" \(choose from plain-text, /);
    const rounds = run([`--other=${other}`, '--rounds=0']);
    expect(rounds.status).toBe(2);
    expect(rounds.stderr).toMatch(/--rounds: "0" is not a whole number/);
    expect(run([]).stderr).toMatch(/--other=<path of another checkout, installed and built> is required/);
  });
});
