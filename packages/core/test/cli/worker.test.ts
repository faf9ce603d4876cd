// issue 17: `wxbot worker` names the package to install when @wxbot/store-redis is missing and checks its flags.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createSimulator, type Simulator } from '@wxbot/simulator';
import { connectRedis, listAccounts } from '@wxbot/store-redis';

import { main } from '../../src/cli/main.js';
import { loadStoreRedis, redactUrl } from '../../src/cli/worker.js';
import { tempDir } from '../client/helpers.js';
import { memoryIo } from './helpers.js';

describe('wxbot worker', () => {
  it('names the package to install when @wxbot/store-redis is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@wxbot/store-redis' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadStoreRedis(() => Promise.reject(missing))).rejects.toThrow(/install @wxbot\/store-redis/);
    // A missing dependency of the package itself is not reported as the package missing.
    const inner = Object.assign(new Error("Cannot find package 'ioredis' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadStoreRedis(() => Promise.reject(inner))).rejects.toThrow(/ioredis/);
  });

  it('refuses a capacity that is not a whole number of accounts', async () => {
    const { io, err } = memoryIo(process.cwd());
    expect(await main(['worker', '--capacity', '0'], io)).toBe(2);
    expect(err()).toContain('--capacity must be a whole number of accounts, at least 1 (got "0")');
  });

  it('keeps the password of a Redis URL out of what it prints', () => {
    expect(redactUrl('redis://user:s3cret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe('wxbot worker against the simulator and the real Redis', () => {
  const root = `wxbot-test:${randomBytes(6).toString('hex')}`;
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const redis = connectRedis(redisUrl);
  const tmp = tempDir();
  let sim: Simulator | undefined;
  afterAll(async () => {
    await sim?.close();
    // SCAN, never KEYS: the server is shared.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${root}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    tmp.cleanup();
  });

  it('serves the config’s accounts until stopped, then hands them back', async () => {
    sim = await createSimulator({
      accounts: ['c1', 'c2'].map((id, i) => ({
        id,
        world: { self: { wxid: `wxid_${id}`, uin: 2600000001 + i, nickName: id }, friends: [], rooms: [] },
      })),
      autoConfirm: true,
      loginPollHoldMs: 100,
      synccheckHoldMs: 100,
    });
    const entry = (name: string) => ({
      name,
      hosts: { login: sim!.loginUrl, main: sim!.url },
      proxy: false,
      loginMode: 'qr',
      qr: { terminal: false },
    });
    const file = join(tmp.dir, 'bot.config.json');
    writeFileSync(
      file,
      JSON.stringify({ plugins: [], accounts: [entry('c1'), entry('c2')], logging: { level: 'warn' } }),
    );
    const stop = new AbortController();
    const { io, err } = memoryIo(tmp.dir, stop.signal);
    const running = main(['worker', '--config', file, '--redis', redisUrl, '--root', root, '--id', 'cli-w'], io);
    const owners = async () =>
      (await listAccounts(redis, root)).map((a) => [a.account, a.owner?.split('/')[0], a.state]);
    await waitUntilAsync(
      async () =>
        JSON.stringify(await owners()) ===
        JSON.stringify([
          ['c1', 'cli-w', 'running'],
          ['c2', 'cli-w', 'running'],
        ]),
      'both accounts running on the worker',
    );
    expect(err()).toContain('worker cli-w joined the pool of 2 account(s) at redis://');
    // Each account's first login was a QR code (the simulator's phones confirm them): the operator is told where.
    expect(err()).toMatch(/\[c1\] scan \S+c1\.qr\.png with the phone of account c1|\[c1\] scan the QR code above/);
    stop.abort();
    expect(await running).toBe(0);
    // Stopped cleanly: the leases are free at once (no ttl to wait for) and the status says so.
    expect(await owners()).toEqual([
      ['c1', undefined, 'free'],
      ['c2', undefined, 'free'],
    ]);
  }, 60_000);
});

async function waitUntilAsync(cond: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
