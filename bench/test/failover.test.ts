// Runs the failover row at a tiny scale (`pnpm bench --only=failover --smoke`: 3 workers, 6 accounts, 2 kills,
// against the real Redis at REDIS_URL under a random key root it deletes) and checks the figures are produced
// and well-formed. Never asserts a time; lost, duplicated and re-scans are reported here, checked by
// packages/store-redis/test/worker.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runBench } from './run-bench.js';

describe('pnpm bench --only=failover --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'wxbot-bench-failover-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('prints the takeover time, lost, duplicated and re-scans', () => {
    const stdout = runBench('.failover-test', ['--only=failover', '--smoke', `--out=${out}`], 180_000);
    expect(stdout).toContain('7. Failover: 3 workers, 6 accounts, 2 × kill -9');
    expect(stdout).toMatch(/time until a killed worker's account answers again: p50 \S+ ms, p99 \S+ ms/);
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(Object.keys(r.suites)).toEqual(['failover']);
    const f = r.suites.failover;
    expect(f.error).toBeUndefined();
    expect(f).toMatchObject({ accounts: 6, workers: 3, kills: 2 });
    for (const key of ['pings', 'lost', 'duplicated', 'rescans', 'initialLoginMs'] as const) {
      expect(Number.isInteger(f[key])).toBe(true);
    }
    // One ping per account of each killed worker plus one per account per round.
    expect(f.pings).toBeGreaterThanOrEqual(2 * 6);
    expect(f.takeoverMs.count).toBeGreaterThan(0);
  }, 240_000);
});
