// issue 17: `wxbot accounts` lists the cluster's accounts from the real Redis (a key root of its own,
// deleted afterwards).
import { randomBytes } from 'node:crypto';

import { AccountLease, accountPrefix, connectRedis, poolKeys } from '@wxbot/store-redis';

import { formatAccounts } from '../../src/cli/accounts-cmd.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from './helpers.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('wxbot accounts', () => {
  const root = `wxbot-test:${randomBytes(6).toString('hex')}`;
  const redis = connectRedis(redisUrl);
  afterAll(async () => {
    const keys = [poolKeys(root).accounts, poolKeys(root).workers];
    for (const name of ['alice', 'bob']) {
      const prefix = accountPrefix(name, root);
      keys.push(`${prefix}lease`, `${prefix}fence`, `${prefix}status`);
    }
    await redis.del(...keys);
    await redis.quit();
  });

  it('lists every account of the pool with its owner, state and last activity', async () => {
    await redis.sadd(poolKeys(root).accounts, 'alice', 'bob');
    const lease = new AccountLease({ redis, prefix: accountPrefix('alice', root), worker: 'box1-7' });
    expect(await lease.tryAcquire({ autoRenew: false })).toBe(true);
    await redis.hset(
      `${accountPrefix('alice', root)}status`,
      'state',
      'running',
      'activity',
      String(Date.now() - 5000),
    );
    const started = Date.now();
    const { io, out, err } = memoryIo(process.cwd());
    expect(await main(['accounts', '--redis', redisUrl, '--root', root], io)).toBe(0);
    // The age is read when the command runs, so a slow machine may add a second or two to it.
    const slowest = Math.round((Date.now() - started + 5000) / 1000);
    expect(err()).toBe('');
    const lines = out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT\s+OWNER\s+STATE\s+LAST ACTIVITY\s+HANDOVERS$/);
    const alice = /^alice\s+box1-7\s+running\s+(\d+)s ago\s+0$/.exec(lines[1] ?? '');
    expect(alice).not.toBeNull();
    const age = Number(alice![1]);
    expect(age).toBeGreaterThanOrEqual(5);
    expect(age).toBeLessThanOrEqual(slowest);
    expect(lines[2]).toMatch(/^bob\s+-\s+free\s+-\s+0$/);
    await lease.release();
  });

  it('says so when the pool is empty', async () => {
    const { io, out } = memoryIo(process.cwd());
    expect(await main(['accounts', '--redis', redisUrl, '--root', `${root}-none`], io)).toBe(0);
    expect(out()).toContain('no accounts in the pool');
  });

  it('shows a failed account with its reason and how often accounts changed hands', () => {
    const text = formatAccounts(
      [
        {
          account: 'carol',
          owner: undefined,
          leaseTtlMs: undefined,
          fence: 3,
          state: 'failed',
          lastActivity: 0,
          error: 'login refused (1203)',
        },
      ],
      3 * 3600_000,
    );
    expect(text).toMatch(/^carol\s+-\s+failed \(login refused \(1203\)\)\s+3h ago\s+2$/m);
  });
});
