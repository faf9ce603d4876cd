import { Redis } from 'ioredis';

import { redisStores } from '../src/index.js';
import { connect, deleteUnder, describeRedis, redisUrl, runPrefix } from './redis-env.js';

describeRedis('redisStores', () => {
  let redis: Redis;
  const root = runPrefix().slice(0, -1);

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deleteUnder(redis, `${root}:`);
    await redis.quit();
  });

  test('one account’s session store and plugin storage under <root>:{account}:', async () => {
    const stores = redisStores({ account: 'alice', url: redisUrl, root });
    try {
      expect(stores.prefix).toBe(`${root}:{alice}:`);
      await stores.sessionStore.set('alice/session', { v: 1 });
      await stores.storage.namespace('plugin-x').set('k', 1);
      expect(await redis.get(`${root}:{alice}:doc:alice/session`)).toBe('{"v":1}');
      expect(await redis.hget(`${root}:{alice}:kv:plugin-x`, 'k')).toBe('1');
    } finally {
      // What the bot does on stop: the connection made here is closed.
      await stores.storage.close();
    }
    expect(stores.redis.status).toBe('end');
  });

  test('a shared client stays open when the bot stops', async () => {
    const stores = redisStores({ account: 'bob', redis, root });
    await stores.storage.close();
    expect(await redis.ping()).toBe('PONG');
  });
});
