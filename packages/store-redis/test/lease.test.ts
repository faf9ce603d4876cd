import type { Redis } from 'ioredis';

import { AccountLease, LeaseLost, RedisSessionStore, RedisStorage } from '../src/index.js';
import { connect, deleteUnder, describeRedis, runPrefix } from './redis-env.js';

/** Polls `attempt` (no fixed sleep decides the outcome) until it returns true or `withinMs` passes. */
async function eventually(attempt: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeRedis('AccountLease', () => {
  let redis: Redis;
  const root = runPrefix();
  let n = 0;
  let prefix: string;
  const leases: AccountLease[] = [];
  const lease = (options: Partial<ConstructorParameters<typeof AccountLease>[0]> = {}): AccountLease => {
    const l = new AccountLease({ redis, prefix, ...options });
    leases.push(l);
    return l;
  };

  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = `${root}${++n}:{acct}:`;
  });
  afterEach(() => {
    for (const l of leases.splice(0)) l.stopRenewing();
  });
  afterAll(async () => {
    await deleteUnder(redis, root);
    await redis.quit();
  });

  test('one holder at a time; every acquire hands out a higher token', async () => {
    const a = lease({ worker: 'A' });
    const b = lease({ worker: 'B' });
    expect(await a.tryAcquire()).toBe(true);
    expect(a.token).toBe(1);
    expect(await redis.get(`${prefix}lease`)).toBe(a.holder);
    expect(a.holder).toMatch(/^A\//);
    expect(await b.tryAcquire()).toBe(false);
    expect(b.token).toBeUndefined();
    await a.release();
    expect(a.held).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    expect(b.token).toBe(2);
  });

  test('a paused worker whose lease expired is fenced off: its late writes are refused, the new owner’s land', async () => {
    const lostA: LeaseLost[] = [];
    const a = lease({ worker: 'A', ttlMs: 200, onLost: (e) => lostA.push(e) });
    const b = lease({ worker: 'B', ttlMs: 5000 });
    const storeA = new RedisSessionStore({ redis, prefix, lease: a });
    const storeB = new RedisSessionStore({ redis, prefix, lease: b });
    const kvA = new RedisStorage({ redis, prefix, lease: a }).namespace('plugin-x');
    const kvB = new RedisStorage({ redis, prefix, lease: b }).namespace('plugin-x');

    // A holds the account and writes; then A "pauses": no more renewals.
    expect(await a.tryAcquire({ autoRenew: false })).toBe(true);
    await storeA.set('acct/session', { by: 'A', n: 1 });
    await storeA.log.append('acct/inbox', [{ by: 'A' }]);
    await kvA.set('k', 'A');

    // The lease lapses and B takes over with a higher token.
    await eventually(() => b.tryAcquire(), 3000);
    expect(b.token).toBeGreaterThan(a.token!);

    // A wakes up, still believing it holds the lease: every kind of write is refused.
    expect(a.held).toBe(true);
    const late = storeA.set('acct/session', { by: 'A', n: 2 });
    await expect(late).rejects.toBeInstanceOf(LeaseLost);
    await expect(late).rejects.toThrow(/fencing token 1 is stale.*now 2/);
    expect(lostA).toHaveLength(1);
    expect(a.held).toBe(false);
    await expect(storeA.log.append('acct/inbox', [{ by: 'A', late: true }])).rejects.toBeInstanceOf(LeaseLost);
    await expect(storeA.log.clear('acct/inbox')).rejects.toBeInstanceOf(LeaseLost);
    await expect(storeA.delete('acct/session')).rejects.toBeInstanceOf(LeaseLost);
    await expect(kvA.set('k', 'A late')).rejects.toBeInstanceOf(LeaseLost);
    await expect(kvA.delete('k')).rejects.toBeInstanceOf(LeaseLost);
    await expect(kvA.clear()).rejects.toBeInstanceOf(LeaseLost);
    expect(await a.renew()).toBe(false);

    // B's writes land; what B reads is A's last fenced-in state plus B's own.
    expect(await storeB.get('acct/session')).toEqual({ by: 'A', n: 1 });
    await storeB.set('acct/session', { by: 'B', n: 3 });
    await storeB.log.append('acct/inbox', [{ by: 'B' }]);
    await kvB.set('k', 'B');
    expect(await storeB.get('acct/session')).toEqual({ by: 'B', n: 3 });
    expect(await storeB.log.read('acct/inbox')).toEqual([{ by: 'A' }, { by: 'B' }]);
    expect(await kvB.get('k')).toBe('B');

    // A's release must not free B's lease.
    await a.release();
    expect(await redis.get(`${prefix}lease`)).toBe(b.holder);
  });

  test('writes through a lease never acquired are refused with a hint', async () => {
    const store = new RedisSessionStore({ redis, prefix, lease: lease() });
    await expect(store.set('acct/session', {})).rejects.toThrow(/lease not held.*acquire/);
    expect(await redis.exists(`${prefix}doc:acct/session`)).toBe(0);
  });

  test('renewal keeps the lease past its ttl', async () => {
    const a = lease({ worker: 'A', ttlMs: 300, renewEveryMs: 60 });
    const b = lease({ worker: 'B' });
    expect(await a.tryAcquire()).toBe(true);
    const acquiredAt = Date.now();
    // Three ttls later B still cannot take it.
    await eventually(async () => {
      expect(await b.tryAcquire()).toBe(false);
      return Date.now() - acquiredAt > 900;
    }, 3000);
    expect(a.held).toBe(true);
    expect(await redis.pttl(`${prefix}lease`)).toBeGreaterThan(0);
  });

  test('a lapsed lease nobody took is taken back by renew, same token, writes go on', async () => {
    const a = lease({ worker: 'A', ttlMs: 100 });
    const store = new RedisSessionStore({ redis, prefix, lease: a });
    expect(await a.tryAcquire({ autoRenew: false })).toBe(true);
    await eventually(async () => (await redis.exists(`${prefix}lease`)) === 0, 2000);
    expect(await a.renew()).toBe(true);
    expect(a.token).toBe(1);
    expect(await redis.get(`${prefix}lease`)).toBe(a.holder);
    await store.set('acct/session', { ok: true });
    expect(await store.get('acct/session')).toEqual({ ok: true });
  });

  test('a renewal refused because another worker owns the account tells onLost once', async () => {
    const lost: LeaseLost[] = [];
    const a = lease({ worker: 'A', ttlMs: 100, onLost: (e) => lost.push(e) });
    const b = lease({ worker: 'B' });
    expect(await a.tryAcquire({ autoRenew: false })).toBe(true);
    await eventually(() => b.tryAcquire(), 2000);
    expect(await a.renew()).toBe(false);
    expect(await a.renew()).toBe(false);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(LeaseLost);
  });

  test('bad timings are refused with what to use', () => {
    expect(() => lease({ ttlMs: 1000, renewEveryMs: 1000 })).toThrow(/renewEveryMs \(1000\).*e\.g\. ttlMs 10000/);
  });
});
