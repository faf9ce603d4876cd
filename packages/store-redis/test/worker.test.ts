// issue 17 item 4: workers in separate processes share a pool of accounts over the real Redis and the
// multi-account simulator; a killed worker's accounts move to the other, a paused one is fenced off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createSimulator, type Simulator } from '@wxbot/simulator';
import type { Redis } from 'ioredis';

import { listAccounts, Worker, type AccountContext } from '../src/index.js';
import { connect, deleteUnder, describeRedis, redisUrl, runPrefix } from './redis-env.js';
import { eventually, killWorker, sentBy, spawnWorker, type PoolSpec, type WorkerProc } from './worker-procs.js';

const TTL = 1500;

const world = (id: string, uin: number) => ({
  self: { wxid: `wxid_${id}`, uin, nickName: id },
  friends: [{ wxid: 'wxid_alice', nickName: 'Alice' }],
  rooms: [],
});

function ownerOf(list: Awaited<ReturnType<typeof listAccounts>>, account: string): string | undefined {
  return list.find((a) => a.account === account)?.owner?.split('/')[0];
}

describeRedis('Worker (processes, real Redis, multi-account simulator)', () => {
  let redis: Redis;
  let sim: Simulator | undefined;
  let workers: WorkerProc[] = [];
  let dataDir: string;
  const root = runPrefix().slice(0, -1);

  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'wxbot-worker-'));
  });
  afterEach(async () => {
    for (const w of workers) killWorker(w);
    workers = [];
    await sim?.close();
    sim = undefined;
    await deleteUnder(redis, `${root}:`);
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await redis.quit();
  });

  async function pool(accounts: string[]): Promise<PoolSpec> {
    sim = await createSimulator({
      accounts: accounts.map((id, i) => ({ id, world: world(id, 2400000001 + i) })),
      loginPollHoldMs: 100,
      synccheckHoldMs: 100,
    });
    return { sim, redisUrl, root, accounts, ttlMs: TTL, dataDir, scanned: new Set(), rescans: 0 };
  }

  /** Until every account runs and each worker holds its share. */
  async function settled(p: PoolSpec, ids: string[], share: number): Promise<void> {
    await eventually(
      async () => {
        const list = await listAccounts(redis, root);
        return (
          list.length === p.accounts.length &&
          list.every((a) => a.state === 'running') &&
          ids.every((id) => list.filter((a) => a.owner?.startsWith(`${id}/`)).length === share)
        );
      },
      `the accounts spread ${share} per worker over ${ids.join(', ')}`,
    );
  }

  test('spread the accounts; a killed worker’s accounts answer again on the other within 15 s, by hot login, none lost or doubled', async () => {
    const accounts = ['a1', 'a2', 'a3', 'a4'];
    const p = await pool(accounts);
    const wa = spawnWorker(p, 'wa');
    workers.push(wa);
    await wa.waitFor(/^ready$/);
    const wb = spawnWorker(p, 'wb');
    workers.push(wb);
    await settled(p, ['wa', 'wb'], 2);
    // wa took all four alone, then gave two back when wb joined: wb resumed them from Redis, no QR.
    expect(p.rescans).toBe(0);

    const before = await listAccounts(redis, root);
    const ofA = accounts.filter((a) => ownerOf(before, a) === 'wa');
    expect(ofA).toHaveLength(2);

    const total = 40;
    let killedAt = 0;
    for (let n = 1; n <= total; n++) {
      p.sim.account(accounts[n % accounts.length]!).say({ from: 'wxid_alice', text: `ping ${n}` });
      if (n === 15) {
        killedAt = Date.now();
        wa.child.kill('SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const pongs = (): string[] => accounts.flatMap((a) => sentBy(p.sim, a));
    await eventually(() => new Set(pongs()).size === total, `a pong for each of ${total} pings`, 20_000);
    // wb took over both of wa's accounts, each with a hot login, within 15 s of the kill.
    for (const account of ofA) {
      await wb.waitFor(new RegExp(`^started ${account}$`));
      const started = wb.lines.filter((l) => l.text === `started ${account}`).at(-1)!;
      expect(started.at - killedAt).toBeLessThan(15_000);
    }
    expect(wb.lines.filter((l) => /^login a\d (push|qr)$/.test(l.text))).toEqual([]);
    expect(p.rescans).toBe(0);
    // Exactly one answer per ping: nothing lost, nothing answered twice.
    const all = pongs().sort();
    const expected = Array.from({ length: total }, (_, i) => `pong ${i + 1}`).sort();
    expect(all).toEqual(expected);
    const after = await listAccounts(redis, root);
    expect(accounts.map((a) => ownerOf(after, a))).toEqual(['wb', 'wb', 'wb', 'wb']);
  }, 90_000);

  test('a paused (SIGSTOP) worker whose lease expired is fenced off when it resumes and stops its account', async () => {
    const accounts = ['p1', 'p2'];
    const p = await pool(accounts);
    const wa = spawnWorker(p, 'wa');
    workers.push(wa);
    await wa.waitFor(/^ready$/);
    const wb = spawnWorker(p, 'wb');
    workers.push(wb);
    await settled(p, ['wa', 'wb'], 1);
    const before = await listAccounts(redis, root);
    const paused = accounts.find((a) => ownerOf(before, a) === 'wa')!;
    const tokenA = before.find((a) => a.account === paused)!.fence;

    wa.child.kill('SIGSTOP');
    await wb.waitFor(new RegExp(`^started ${paused}$`), 15_000);
    const now = await listAccounts(redis, root);
    expect(ownerOf(now, paused)).toBe('wb');
    expect(now.find((a) => a.account === paused)!.fence).toBeGreaterThan(tokenA);
    p.sim.account(paused).say({ from: 'wxid_alice', text: 'ping 1' });
    await eventually(() => sentBy(p.sim, paused).includes('pong 1'), 'the new owner’s pong');

    wa.child.kill('SIGCONT');
    // It finds its lease gone, stops the account, and what it still tried to write was refused.
    await wa.waitFor(new RegExp(`^lost ${paused} `), 10_000);
    await wa.waitFor(new RegExp(`^stopped ${paused}$`), 10_000);
    const refused = wa.lines.filter((l) => l.text.startsWith(`refused ${paused} `));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.text).toMatch(/lease lost: this worker's fencing token \d+ is stale/);
    p.sim.account(paused).say({ from: 'wxid_alice', text: 'ping 2' });
    await eventually(() => sentBy(p.sim, paused).includes('pong 2'), 'the new owner’s second pong');
    // Whoever holds it now (wa may get it back when the two rebalance), each ping got one answer.
    expect(sentBy(p.sim, paused).sort()).toEqual(['pong 1', 'pong 2']);
    expect(p.rescans).toBe(0);
  }, 90_000);
});

describeRedis('Worker (in process, no bots)', () => {
  let redis: Redis;
  const root = runPrefix().slice(0, -1);
  const workers: Worker[] = [];
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await deleteUnder(redis, `${root}:`);
    await redis.quit();
  });

  /** A worker whose accounts "run" as a record of which worker started them. */
  function worker(id: string, accounts: string[], capacity?: number): { w: Worker; running: Set<string> } {
    const running = new Set<string>();
    const w = new Worker({
      redis,
      root,
      id,
      accounts,
      leaseTtlMs: 1500,
      ...(capacity === undefined ? {} : { capacity }),
      start: (context: AccountContext) => {
        running.add(context.account);
        return Promise.resolve({
          stop: () => {
            running.delete(context.account);
            return Promise.resolve();
          },
        });
      },
    });
    workers.push(w);
    return { w, running };
  }

  test('a worker holds no more than its capacity; the rest wait for another worker', async () => {
    const accounts = ['k1', 'k2', 'k3'];
    const a = worker('cap-a', accounts, 1);
    await a.w.start();
    await eventually(() => a.running.size === 1, 'one account running');
    await a.w.tick();
    expect(a.w.held()).toHaveLength(1);
    const b = worker('cap-b', accounts, 5);
    await b.w.start();
    await eventually(() => b.running.size === 2, 'the other two on the second worker');
    expect([...a.w.held(), ...b.w.held()].sort()).toEqual(accounts);
    const list = await listAccounts(redis, root);
    expect(list.map((x) => x.state)).toEqual(['running', 'running', 'running']);
    // A clean stop hands the accounts back at once: free, no ttl to wait for.
    await b.w.stop();
    await a.w.stop();
    expect((await listAccounts(redis, root)).map((x) => [x.owner, x.state])).toEqual([
      [undefined, 'free'],
      [undefined, 'free'],
      [undefined, 'free'],
    ]);
  }, 30_000);

  test('an account that fails to start is released, marked failed, and left alone for a while', async () => {
    const w = new Worker({
      redis,
      root,
      id: 'failing',
      accounts: ['bad'],
      leaseTtlMs: 1500,
      start: () => Promise.reject(new Error('login refused (1203)\nstack...')),
    });
    workers.push(w);
    const events: string[] = [];
    w.on((e) => events.push(e.type));
    await w.start();
    await eventually(() => events.includes('failed'), 'the failure');
    await w.tick();
    expect(w.held()).toEqual([]);
    const bad = (await listAccounts(redis, root)).find((x) => x.account === 'bad');
    expect(bad).toMatchObject({ owner: undefined, state: 'failed', error: 'login refused (1203)' });
    expect(events.filter((e) => e === 'acquired')).toHaveLength(1);
    await w.stop();
  }, 30_000);
});
