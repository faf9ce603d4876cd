import { Redis } from 'ioredis';

import type { Fence } from './fence.js';
import { accountPrefix } from './keys.js';
import { RedisSessionStore } from './session-store.js';
import { RedisStorage } from './storage.js';

export interface RedisStoresOptions {
  /** The account's name (bot.config's `account.name`); its keys live under `<root>:{<account>}:`. */
  readonly account: string;
  /** `redis://[user:pass@]host:port[/db]`; default `REDIS_URL`, else `redis://127.0.0.1:6379`. Ignored when `redis` is given. */
  readonly url?: string;
  /** A client to share; when given, closing the bot leaves it open. */
  readonly redis?: Redis;
  /** First part of every key; default `wxbot`. */
  readonly root?: string;
  /** Fence every write with this lease (a worker of a cluster); a single bot needs none. */
  readonly lease?: Fence;
}

export interface RedisStores {
  readonly redis: Redis;
  readonly prefix: string;
  /** For `account.sessionStore` in bot.config. */
  readonly sessionStore: RedisSessionStore;
  /** For `storage` in bot.config; its `close()` (the bot calls it on stop) quits a connection made here. */
  readonly storage: RedisStorage;
}

/**
 * One account's stores on Redis, ready for bot.config:
 *
 * ```ts
 * const redis = redisStores({ account: 'alice' });
 * export default defineConfig({
 *   account: { name: 'alice', sessionStore: redis.sessionStore },
 *   storage: redis.storage,
 *   plugins: [...],
 * });
 * ```
 */
export function redisStores(options: RedisStoresOptions): RedisStores {
  const prefix = accountPrefix(options.account, options.root);
  const owned = options.redis === undefined;
  const redis = options.redis ?? new Redis(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const lease = options.lease;
  return {
    redis,
    prefix,
    sessionStore: new RedisSessionStore({ redis, prefix, ...(lease ? { lease } : {}) }),
    storage: new RedisStorage({ redis, prefix, closeClient: owned, ...(lease ? { lease } : {}) }),
  };
}

/**
 * A client for a worker or `wxbot accounts`: fails a command after one retry
 * instead of queueing it forever while Redis is down (leases must notice).
 */
export function connectRedis(url: string = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Redis {
  if (!/^rediss?:\/\//.test(url)) {
    throw new TypeError(`--redis ${JSON.stringify(url)} is not a Redis URL; use redis://[user:pass@]host:port[/db]`);
  }
  return new Redis(url, { maxRetriesPerRequest: 1 });
}
