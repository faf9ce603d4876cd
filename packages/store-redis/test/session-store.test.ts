import { sessionStoreConformance } from '@wxbot/core/testing';
import type { Redis } from 'ioredis';

import { RedisSessionStore } from '../src/index.js';
import { connect, deleteUnder, describeRedis, runPrefix } from './redis-env.js';

describeRedis('RedisSessionStore', () => {
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
    test.each(sessionStoreConformance())('$name', ({ run }) => {
      const scopePrefix = `${prefix}${++scope}:`;
      return run(async (account) => new RedisSessionStore({ redis, prefix: `${scopePrefix}{${account}}:` }));
    });
  });

  test('keys live under the prefix: a document string and a log list', async () => {
    const store = new RedisSessionStore({ redis, prefix: `${prefix}layout:` });
    await store.set('a/session', { n: 1 });
    await store.log.append('a/inbox', [{ n: 1 }, { n: 2 }]);
    expect(await redis.get(`${prefix}layout:doc:a/session`)).toBe('{"n":1}');
    expect(await redis.lrange(`${prefix}layout:log:a/inbox`, 0, -1)).toEqual(['{"n":1}', '{"n":2}']);
  });

  test('a log batch larger than one Lua call keeps every record in order', async () => {
    const store = new RedisSessionStore({ redis, prefix: `${prefix}big:` });
    const records = Array.from({ length: 2500 }, (_, i) => ({ i }));
    await store.log.append('a/inbox', records);
    expect(await store.log.read('a/inbox')).toEqual(records);
  });

  test('set of a value JSON cannot hold names the key', async () => {
    const store = new RedisSessionStore({ redis, prefix: `${prefix}bad:` });
    await expect(store.set('a/session', undefined)).rejects.toThrow(/"a\/session".*delete\(\)/);
  });

  test('an empty prefix is refused with a hint', () => {
    expect(() => new RedisSessionStore({ redis, prefix: '' })).toThrow(/prefix is empty.*accountPrefix/);
  });
});
