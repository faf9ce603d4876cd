import type { Redis } from 'ioredis';

import { checkPrefix } from './keys.js';
import { LuaScript } from './script.js';

export interface RedisTokenBucketOptions {
  readonly redis: Redis;
  /** The account's prefix: one bucket per account and name, shared by every worker. */
  readonly prefix: string;
  /** Which limit, e.g. `send`; the key is `<prefix>bucket:<name>`. */
  readonly name: string;
  readonly burst: number;
  readonly perSecond: number;
}

/**
 * Core's TokenBucket arithmetic, run inside Redis on the server's clock (TIME)
 * so that workers on machines with skewed clocks share one limit. The state is
 * a hash {tokens, last, slowdown}; it expires once idle long enough to be full
 * again, so idle accounts cost no memory.
 */
const bucketScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'last', 'slowdown')
local tokens = tonumber(h[1]) or burst
local last = tonumber(h[2]) or now
local slow = tonumber(h[3]) or 1
local elapsed = math.max(0, now - last) / 1000
tokens = math.min(burst, tokens + elapsed * rate * slow)
if slow < 1 then slow = math.min(1, slow + elapsed / 60) end
local wait = 0
if ARGV[3] == 'take' then
  if tokens >= 1 then
    tokens = tokens - 1
  else
    wait = math.ceil((1 - tokens) / (rate * slow) * 1000)
  end
elseif ARGV[3] == 'penalise' then
  tokens = math.min(tokens, 0)
  slow = math.max(0.125, slow / 2)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(now), 'slowdown', tostring(slow))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {wait, tostring(slow)}
`);

/**
 * A per-account send limit that holds across workers: the same contract as
 * core's `TokenBucket` (`take` says how many ms to wait, `penalise` after the
 * server's 1205), but async and stored in Redis.
 */
export class RedisTokenBucket {
  readonly key: string;
  readonly #redis: Redis;
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #idleTtlMs: number;

  constructor(options: RedisTokenBucketOptions) {
    const { burst, perSecond } = options;
    if (!(burst >= 1) || !(perSecond > 0)) {
      throw new RangeError(
        `RedisTokenBucket "${options.name}": needs burst >= 1 and perSecond > 0 (got ${burst}, ${perSecond}); e.g. burst 5, perSecond 1`,
      );
    }
    this.#redis = options.redis;
    this.#burst = burst;
    this.#perSecond = perSecond;
    this.key = `${checkPrefix(options.prefix, 'RedisTokenBucket')}bucket:${options.name}`;
    // Full again after burst/rate seconds; a slowdown recovers within 60 s at the latest.
    this.#idleTtlMs = Math.ceil(Math.max((burst / perSecond) * 1000, 60_000) + 1000);
  }

  async #run(op: 'take' | 'penalise' | 'peek'): Promise<{ wait: number; rateFactor: number }> {
    const reply = (await bucketScript.run(
      this.#redis,
      [this.key],
      [this.#burst, this.#perSecond, op, this.#idleTtlMs],
    )) as [number, string];
    return { wait: reply[0], rateFactor: Number(reply[1]) };
  }

  /** Takes a token if one is available (resolves 0), else resolves the ms until one is. */
  async take(): Promise<number> {
    return (await this.#run('take')).wait;
  }

  /** The server said 1205: empty the bucket and halve the rate, for every worker. */
  async penalise(): Promise<void> {
    await this.#run('penalise');
  }

  /** Current rate multiplier (1 = configured speed), as every worker sees it. */
  async rateFactor(): Promise<number> {
    return (await this.#run('peek')).rateFactor;
  }
}
