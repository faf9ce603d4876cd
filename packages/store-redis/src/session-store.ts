import type { SessionLog, SessionStore } from '@wxbot/core';
import type { Redis } from 'ioredis';

import { writeState, type Fence } from './fence.js';
import { checkPrefix } from './keys.js';

export interface RedisSessionStoreOptions {
  /** A connected client; the store never closes it (several stores may share one). */
  readonly redis: Redis;
  /** One prefix per account, e.g. `accountPrefix('alice')` → `wxbot:{alice}:`. */
  readonly prefix: string;
  /** When given, every write checks its fencing token atomically and throws `LeaseLost` when stale. */
  readonly lease?: Fence;
}

/** Lua's unpack has a stack limit (~8000 values); larger batches go in slices, each fenced. */
const APPEND_SLICE = 1000;

function parse(text: string): unknown {
  return JSON.parse(text) as unknown;
}

function encode(key: string, value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) {
    throw new TypeError(
      `store-redis: value for "${key}" is not JSON (undefined or a function); use delete() to remove it`,
    );
  }
  return text;
}

/**
 * Sessions and journals in Redis: each document is a string `<prefix>doc:<key>`
 * (SET replaces it atomically), each log a list `<prefix>log:<key>` (RPUSH keeps
 * append order across workers). Durability is the server's: with
 * `appendonly yes` and `appendfsync always` a resolved write survives a crash
 * of the Redis machine; with Redis's defaults it survives a crash of wxbot.
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis;
  readonly #lease: Fence | undefined;
  readonly prefix: string;
  readonly log: SessionLog;

  constructor(options: RedisSessionStoreOptions) {
    this.#redis = options.redis;
    this.#lease = options.lease;
    this.prefix = checkPrefix(options.prefix, 'RedisSessionStore');
    const redis = this.#redis;
    const lease = this.#lease;
    const logKey = (key: string): string => this.logKeyOf(key);
    this.log = {
      async append(key, records) {
        const list = [logKey(key)];
        // One pass into one array per command (no slice, no map): a journal batch is usually one record.
        for (let i = 0; i < records.length; i += APPEND_SLICE) {
          const end = Math.min(records.length, i + APPEND_SLICE);
          const lines = new Array<string>(end - i);
          for (let j = i; j < end; j++) lines[j - i] = encode(key, records[j]);
          await writeState(redis, lease, 'RPUSH', list, lines);
        }
      },
      // Commands on one connection run in order, so once an append resolved the
      // server has it; surviving a Redis crash is the server's fsync policy.
      async sync() {},
      async read(key) {
        const lines = await redis.lrange(logKey(key), 0, -1);
        const out: unknown[] = [];
        for (const line of lines) {
          try {
            out.push(parse(line));
          } catch {
            // Not written by this store (RPUSH is atomic, nothing tears): skip it like a torn line.
          }
        }
        return out;
      },
      async clear(key) {
        await writeState(redis, lease, 'DEL', [logKey(key)]);
      },
      // Nothing is held open per key: the connection is shared.
      async close() {},
    };
  }

  docKeyOf(key: string): string {
    return `${this.prefix}doc:${key}`;
  }

  logKeyOf(key: string): string {
    return `${this.prefix}log:${key}`;
  }

  async get(key: string): Promise<unknown> {
    const text = await this.#redis.get(this.docKeyOf(key));
    return text === null ? undefined : parse(text);
  }

  async set(key: string, value: unknown): Promise<void> {
    await writeState(this.#redis, this.#lease, 'SET', [this.docKeyOf(key)], [encode(key, value)]);
  }

  async delete(key: string): Promise<void> {
    // One DEL of both keys: no reader sees the document gone but its log still there.
    await writeState(this.#redis, this.#lease, 'DEL', [this.docKeyOf(key), this.logKeyOf(key)]);
  }
}
