// Runs issue 17's two in-process rows at a tiny scale (`pnpm bench --only=many-accounts,store-latency --smoke`:
// 20 small accounts; 4 + 4 for the stores, against the real Redis at REDIS_URL under a random key root it
// deletes) and checks the figures are produced and well-formed. Never asserts a time or a size.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runBench } from './run-bench.js';

describe('pnpm bench --only=many-accounts,store-latency --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'wxbot-bench-many-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('reports RSS per added account, idle CPU, reply percentiles and the Redis store’s added latency', () => {
    const stdout = runBench('.many-test', ['--only=many-accounts,store-latency', '--smoke', `--out=${out}`], 300_000);
    expect(stdout).toContain('9. Many accounts in one process: 20/20 running');
    expect(stdout).toMatch(/per added small account: \S+ MB RSS/);
    expect(stdout).toMatch(/added by Redis: p50 \S+ ms/);
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(Object.keys(r.suites)).toEqual(['manyAccounts', 'storeLatency']);
    const many = r.suites.manyAccounts;
    expect(many.error).toBeUndefined();
    expect(many).toMatchObject({ accounts: 20, first: 5, running: 20, failed: [] });
    expect(many.atAll.rssMb).toBeGreaterThan(0);
    expect(typeof many.perAddedAccountMb.rss).toBe('number');
    expect(many.load.injected).toBeGreaterThan(0);
    expect(many.load.duplicated).toBe(0);
    const store = r.suites.storeLatency;
    expect(store.error).toBeUndefined();
    expect(store.file.injected).toBeGreaterThan(0);
    expect(store.redis.injected).toBe(store.file.injected);
    expect(store.duplicated).toBe(0);
    const names = r.targets.map((t: { name: string }) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['RSS per added small account', 'reply latency added by the Redis store (p50)']),
    );
  }, 420_000);
});
