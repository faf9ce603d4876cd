// Runs issue 17's two in-process rows at a tiny scale (`pnpm bench --only=many-accounts,store-latency --smoke`:
// 20 small accounts; 4 + 4 for the stores, against the real Redis at REDIS_URL under a random key root it
// deletes) and checks the figures are produced and well-formed. Never asserts a time or a size.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(benchDir, 'package.json'));

describe('pnpm bench --only=many-accounts,store-latency --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'wxbot-bench-many-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('reports RSS per added account, idle CPU, reply percentiles and the Redis store’s added latency', () => {
    // Its own build directory, as faults.test.ts: the other bench tests compile into dist/ at the same time.
    const build = join(benchDir, 'dist', '.many-test');
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', join(benchDir, 'tsconfig.json'), '--outDir', build],
      { stdio: 'pipe', timeout: 120_000 },
    );
    const stdout = execFileSync(
      process.execPath,
      [join(build, 'main.js'), '--only=many-accounts,store-latency', '--smoke', `--out=${out}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
    );
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
