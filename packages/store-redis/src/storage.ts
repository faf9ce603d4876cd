import { once } from 'node:events';

import type { KeyValueStore, StorageDriver } from '@wxbot/core';
import type { Redis } from 'ioredis';

import { writeState, type Fence } from './fence.js';
import { checkPrefix } from './keys.js';

export interface RedisStorageOptions {
  /** A connected client; `close()` leaves it open (several drivers may share one). */
  readonly redis: Redis;
  /** One prefix per account, e.g. `accountPrefix('alice')` → `wxbot:{alice}:`. */
  readonly prefix: string;
  /** When given, every write checks its fencing token atomically and throws `LeaseLost` when stale. */
  readonly lease?: Fence;
  /** `close()` also quits the client: for a connection this driver alone uses (`redisStores` sets it). */
  readonly closeClient?: boolean;
}

class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly lease: Fence | undefined,
    private readonly hash: string,
  ) {}

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const text = await this.redis.hget(this.hash, key);
    return text === null ? undefined : (JSON.parse(text) as T);
  }
  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError(`storage: value for "${key}" is undefined; use delete()`);
    await writeState(this.redis, this.lease, 'HSET', [this.hash], [key, text]);
  }
  async has(key: string): Promise<boolean> {
    return (await this.redis.hexists(this.hash, key)) === 1;
  }
  async delete(key: string): Promise<boolean> {
    return (await writeState(this.redis, this.lease, 'HDEL', [this.hash], [key])) === 1;
  }
  async keys(): Promise<string[]> {
    return this.redis.hkeys(this.hash);
  }
  async clear(): Promise<void> {
    await writeState(this.redis, this.lease, 'DEL', [this.hash]);
  }
}

/**
 * Plugin storage in Redis: one hash per plugin namespace, `<prefix>kv:<name>`,
 * field = key, value = JSON. Every write is one command, so it is atomic and
 * durable as the server is (see `RedisSessionStore`).
 */
export class RedisStorage implements StorageDriver {
  readonly #redis: Redis;
  readonly #lease: Fence | undefined;
  readonly #closeClient: boolean;
  readonly prefix: string;

  constructor(options: RedisStorageOptions) {
    this.#redis = options.redis;
    this.#lease = options.lease;
    this.#closeClient = options.closeClient ?? false;
    this.prefix = checkPrefix(options.prefix, 'RedisStorage');
  }

  namespace(name: string): KeyValueStore {
    if (name.length === 0) throw new TypeError('storage: namespace name is empty');
    return new RedisKeyValueStore(this.#redis, this.#lease, `${this.prefix}kv:${name}`);
  }

  // Writes resolve only once Redis has them: nothing is pending. The bot calls this on stop.
  async close(): Promise<void> {
    if (!this.#closeClient || this.#redis.status === 'end') return;
    // quit() resolves on the server's OK; the socket closes just after: wait for it, so the process can exit.
    const ended = once(this.#redis, 'end');
    await this.#redis.quit();
    await ended;
  }
}
