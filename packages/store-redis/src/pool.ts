import type { Redis } from 'ioredis';

import { LuaScript } from './script.js';

/** Keys of a pool of workers under one root (outside every account's hash tag). */
export function poolKeys(root = 'wxbot'): { readonly workers: string; readonly accounts: string } {
  return { workers: `${root}:workers`, accounts: `${root}:accounts` };
}

// Heartbeats are scored on the Redis server's clock (TIME), so workers with skewed clocks agree on who is
// alive; a worker not seen for a ttl is pruned here, by whichever worker looks next.
const heartbeatScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
return redis.call('ZRANGE', KEYS[1], 0, -1)
`);

/**
 * Which workers are alive. Each worker calls `heartbeat()` every tick; it
 * answers with the workers seen within `ttlMs` (this one included), on the
 * server's clock. A worker that stopped heartbeating drops out after `ttlMs`,
 * which is also when its leases lapse: its accounts then count in the others'
 * share.
 */
export class WorkerRegistry {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly keys: ReturnType<typeof poolKeys>;

  constructor(
    redis: Redis,
    readonly id: string,
    options: { root?: string; ttlMs: number },
  ) {
    if (id.length === 0 || /\s/.test(id)) {
      throw new TypeError(
        `worker id ${JSON.stringify(id)} is empty or holds spaces; use e.g. <host>-<n> (--id of wxbot worker)`,
      );
    }
    this.#redis = redis;
    this.#ttlMs = options.ttlMs;
    this.keys = poolKeys(options.root);
  }

  /** Records that this worker is alive; resolves the ids of every live worker. */
  async heartbeat(): Promise<string[]> {
    return (await heartbeatScript.run(this.#redis, [this.keys.workers], [this.id, this.#ttlMs])) as string[];
  }

  /** Removes this worker at once (a clean stop), so the others take its share without waiting a ttl. */
  async leave(): Promise<void> {
    await this.#redis.zrem(this.keys.workers, this.id);
  }

  /** Adds accounts to the pool (a set: every worker of the same config adds the same names). */
  async register(accounts: readonly string[]): Promise<void> {
    if (accounts.length > 0) await this.#redis.sadd(this.keys.accounts, ...accounts);
  }
}

/**
 * How many accounts a worker may hold: an even split over the live workers,
 * rounded up (so every account finds a place), never above its capacity.
 */
export function fairShare(total: number, aliveWorkers: number, capacity: number): number {
  return Math.min(capacity, Math.ceil(total / Math.max(1, aliveWorkers)));
}
