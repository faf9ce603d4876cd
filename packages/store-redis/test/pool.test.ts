import type { Redis } from 'ioredis';

import { fairShare, WorkerRegistry } from '../src/index.js';
import { connect, deleteUnder, describeRedis, runPrefix } from './redis-env.js';

test('fairShare splits accounts evenly over live workers, within capacity', () => {
  expect(fairShare(4, 2, 10)).toBe(2);
  expect(fairShare(5, 2, 10)).toBe(3);
  expect(fairShare(300, 3, 50)).toBe(50);
  expect(fairShare(3, 0, 10)).toBe(3);
});

describeRedis('WorkerRegistry', () => {
  let redis: Redis;
  const root = runPrefix().slice(0, -1);
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deleteUnder(redis, `${root}:`);
    await redis.quit();
  });

  test('lists the workers seen within the ttl; one that stopped heartbeating drops out, one that left at once', async () => {
    const a = new WorkerRegistry(redis, 'a', { root, ttlMs: 300 });
    const b = new WorkerRegistry(redis, 'b', { root, ttlMs: 300 });
    expect(await a.heartbeat()).toEqual(['a']);
    expect((await b.heartbeat()).sort()).toEqual(['a', 'b']);
    await b.leave();
    expect(await a.heartbeat()).toEqual(['a']);
    await b.heartbeat();
    // b goes quiet: a sees it gone once the ttl passed (on the server's clock).
    const deadline = Date.now() + 3000;
    while ((await a.heartbeat()).includes('b')) {
      if (Date.now() > deadline) throw new Error('b never dropped out');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test('worker ids with spaces are refused with a hint', () => {
    expect(() => new WorkerRegistry(redis, 'my worker', { ttlMs: 1000 })).toThrow(/--id of wxbot worker/);
  });
});
