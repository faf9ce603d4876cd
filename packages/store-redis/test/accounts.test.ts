import type { Redis } from 'ioredis';

import { AccountLease, accountPrefix, listAccounts } from '../src/index.js';
import { connect, deleteUnder, describeRedis, runPrefix } from './redis-env.js';

describeRedis('listAccounts', () => {
  let redis: Redis;
  // The root of this run's account prefixes, without the trailing colon accountPrefix adds.
  const root = runPrefix().slice(0, -1);
  const leases: AccountLease[] = [];

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    for (const l of leases) l.stopRenewing();
    await deleteUnder(redis, `${root}:`);
    await redis.quit();
  });

  test('lists every leased account under a root with its owner and fence', async () => {
    expect(await listAccounts(redis, root)).toEqual([]);
    const alice = new AccountLease({ redis, prefix: accountPrefix('alice', root), worker: 'w1' });
    const bob = new AccountLease({ redis, prefix: accountPrefix('bob', root), worker: 'w2' });
    leases.push(alice, bob);
    await alice.tryAcquire();
    await bob.tryAcquire();
    await bob.release();

    const list = await listAccounts(redis, root);
    expect(list.map((a) => a.account)).toEqual(['alice', 'bob']);
    expect(list[0]).toMatchObject({ account: 'alice', owner: alice.holder, fence: 1 });
    expect(list[0]!.leaseTtlMs).toBeGreaterThan(0);
    expect(list[1]).toMatchObject({ account: 'bob', owner: undefined, leaseTtlMs: undefined, fence: 1 });
  });

  test('account names that would break the key layout are refused', () => {
    expect(() => accountPrefix('a}b')).toThrow(/braces or spaces/);
    expect(() => accountPrefix('')).toThrow(/empty/);
    expect(accountPrefix('alice')).toBe('wxbot:{alice}:');
  });
});
