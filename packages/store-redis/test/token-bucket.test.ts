import type { Redis } from 'ioredis';

import { RedisTokenBucket } from '../src/index.js';
import { connect, deleteUnder, describeRedis, runPrefix } from './redis-env.js';

describeRedis('RedisTokenBucket', () => {
  let redis: Redis;
  const root = runPrefix();
  let n = 0;
  let prefix: string;

  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = `${root}${++n}:{acct}:`;
  });
  afterAll(async () => {
    await deleteUnder(redis, root);
    await redis.quit();
  });

  test('two workers share one burst', async () => {
    const one = new RedisTokenBucket({ redis, prefix, name: 'send', burst: 3, perSecond: 0.01 });
    const two = new RedisTokenBucket({ redis, prefix, name: 'send', burst: 3, perSecond: 0.01 });
    expect(await one.take()).toBe(0);
    expect(await two.take()).toBe(0);
    expect(await one.take()).toBe(0);
    // At 0.01/s the next token is ~100 s away, whichever worker asks.
    expect(await two.take()).toBeGreaterThan(90_000);
    expect(await one.take()).toBeGreaterThan(90_000);
  });

  test('tokens come back at the configured rate', async () => {
    // 5 per second: a token every 200 ms, so a loaded machine's pause between the two takes (CI ran it at
    // 50 per second, 20 ms, and once saw the token back already) does not refill the bucket.
    const bucket = new RedisTokenBucket({ redis, prefix, name: 'send', burst: 1, perSecond: 5 });
    expect(await bucket.take()).toBe(0);
    const wait = await bucket.take();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(200);
    const deadline = Date.now() + 3000;
    let got = -1;
    while (got !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      got = await bucket.take();
    }
    expect(got).toBe(0);
  });

  test('a 1205 seen by one worker slows every worker down', async () => {
    const one = new RedisTokenBucket({ redis, prefix, name: 'send', burst: 5, perSecond: 1 });
    const two = new RedisTokenBucket({ redis, prefix, name: 'send', burst: 5, perSecond: 1 });
    expect(await two.rateFactor()).toBe(1);
    await one.penalise();
    expect(await two.rateFactor()).toBeCloseTo(0.5, 2);
    expect(await two.take()).toBeGreaterThan(1000);
  });

  test('buckets of two accounts are independent, and idle ones expire', async () => {
    const a = new RedisTokenBucket({ redis, prefix, name: 'send', burst: 1, perSecond: 0.01 });
    const b = new RedisTokenBucket({ redis, prefix: `${root}other:{b}:`, name: 'send', burst: 1, perSecond: 0.01 });
    expect(await a.take()).toBe(0);
    expect(await b.take()).toBe(0);
    const ttl = await redis.pttl(a.key);
    expect(ttl).toBeGreaterThan(60_000);
  });

  test('bad limits are refused with an example', () => {
    expect(() => new RedisTokenBucket({ redis, prefix, name: 'send', burst: 0, perSecond: 1 })).toThrow(
      /"send": needs burst >= 1.*e\.g\. burst 5/,
    );
  });
});
