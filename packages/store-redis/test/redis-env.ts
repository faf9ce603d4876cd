// Test helper: the real Redis (REDIS_URL, default 127.0.0.1:6379), a key prefix
// unique to this run, and removal of every key under it afterwards. Redis missing
// fails the run, in CI and on a laptop alike: a Redis test never silently skips.
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function probe(): Promise<string | undefined> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    redis.disconnect();
  }
}

const failure = await probe();
if (failure !== undefined) {
  throw new Error(
    `Redis at ${redisUrl} is not reachable (${failure}). The store-redis tests need a real Redis and never skip: start one (Debian: apt-get install redis-server; redis-server --save '' --appendonly no --daemonize yes) or set REDIS_URL.`,
  );
}

/** `describe`: kept as a name so the Redis tests stand out; a missing Redis fails above instead of skipping. */
export const describeRedis: jest.Describe = describe;

/** A prefix no other run or test shares: `wxbot-test:<random>:`. */
export function runPrefix(): string {
  return `wxbot-test:${randomBytes(6).toString('hex')}:`;
}

export function connect(): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (SCAN, never KEYS: the server may be shared). */
export async function deleteUnder(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
