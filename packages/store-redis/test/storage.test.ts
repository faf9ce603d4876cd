import { storageConformance } from '@wxbot/core/testing';
import type { Redis } from 'ioredis';

import { RedisStorage } from '../src/index.js';
import { connect, deleteUnder, describeRedis, runPrefix } from './redis-env.js';

describeRedis('RedisStorage', () => {
  let redis: Redis;
  const prefix = runPrefix();
  let scope = 0;

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deleteUnder(redis, prefix);
    await redis.quit();
  });

  describe('conformance', () => {
    test.each(storageConformance())('$name', ({ run }) => {
      const scopePrefix = `${prefix}${++scope}:`;
      return run(async (account) => new RedisStorage({ redis, prefix: `${scopePrefix}{${account}}:` }));
    });
  });

  test('a namespace is one hash under the prefix', async () => {
    const storage = new RedisStorage({ redis, prefix: `${prefix}layout:` });
    await storage.namespace('@wxbot/plugin-autoreply').set('count', 3);
    expect(await redis.hgetall(`${prefix}layout:kv:@wxbot/plugin-autoreply`)).toEqual({ count: '3' });
  });
});
