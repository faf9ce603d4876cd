import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import type { Redis } from 'ioredis';

import { LeaseLost, type Fence } from './fence.js';
import { checkPrefix } from './keys.js';
import { LuaScript } from './script.js';

export interface AccountLeaseOptions {
  readonly redis: Redis;
  /** The account's prefix (`accountPrefix('alice')`); the lease is `<prefix>lease`, the counter `<prefix>fence`. */
  readonly prefix: string;
  /** Who holds it, shown by `wxbot accounts`; default `<hostname>:<pid>`. */
  readonly worker?: string;
  /** How long the lease lives without renewal; default 10 s (takeover within 15 s needs ttl + detection below that). */
  readonly ttlMs?: number;
  /** Renewal period; default a third of the ttl, so two renewals may fail before it lapses. */
  readonly renewEveryMs?: number;
  /** Told once when the lease is lost (renewal refused, a write fenced off, or no renewal for a ttl). */
  readonly onLost?: (error: LeaseLost) => void;
}

// SET NX PX takes the lease; INCR hands out a token higher than every earlier one, in the same step.
const acquireScript = new LuaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return false
`);

// Extends our own lease; if it lapsed but nobody took it (the counter still holds our
// token), takes it back: no one else can have written in between.
const renewScript = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur == false and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`);

// Deletes the lease only if it is still ours: a late release must not free another worker's lease.
const releaseScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * Exclusive ownership of one account among many workers, with a fencing
 * token. Give it to `RedisSessionStore`/`RedisStorage` as `lease`: their
 * writes then succeed only while this worker's token is the latest, so a
 * worker that was paused past its ttl (GC, SIGSTOP, a partition) cannot
 * overwrite the state of the worker that took over.
 */
export class AccountLease implements Fence {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #renewEveryMs: number;
  readonly #onLost: ((error: LeaseLost) => void) | undefined;
  readonly leaseKey: string;
  readonly fenceKey: string;
  /** The value stored under the lease key: the worker plus a random tag unique to this lease. */
  readonly holder: string;
  #token: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastRenewedAt = 0;

  constructor(options: AccountLeaseOptions) {
    const prefix = checkPrefix(options.prefix, 'AccountLease');
    this.#redis = options.redis;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.#ttlMs / 3));
    if (!(this.#ttlMs > 0) || !(this.#renewEveryMs > 0) || this.#renewEveryMs >= this.#ttlMs) {
      throw new RangeError(
        `AccountLease: ttlMs (${this.#ttlMs}) must be > 0 and renewEveryMs (${this.#renewEveryMs}) between 0 and ttlMs; e.g. ttlMs 10000, renewEveryMs 3000`,
      );
    }
    this.#onLost = options.onLost;
    this.leaseKey = `${prefix}lease`;
    this.fenceKey = `${prefix}fence`;
    this.holder = `${options.worker ?? `${hostname()}:${process.pid}`}/${randomBytes(6).toString('hex')}`;
  }

  /** The fencing token from the last acquire, while the lease is held. */
  get token(): number | undefined {
    return this.#token;
  }

  get held(): boolean {
    return this.#token !== undefined;
  }

  /**
   * Takes the lease if it is free; resolves false when another worker holds it.
   * `autoRenew: false` leaves renewal to the caller (tests pause a worker so).
   */
  async tryAcquire(options: { autoRenew?: boolean } = {}): Promise<boolean> {
    if (this.#token !== undefined) return true;
    const token = await acquireScript.run(this.#redis, [this.leaseKey, this.fenceKey], [this.holder, this.#ttlMs]);
    if (typeof token !== 'number') return false;
    this.#token = token;
    this.#lastRenewedAt = Date.now();
    if (options.autoRenew ?? true) this.#startRenewing();
    return true;
  }

  /** Extends the lease by its ttl; false (and the lease counts as lost) when another worker has it. */
  async renew(): Promise<boolean> {
    const token = this.#token;
    if (token === undefined) return false;
    const ok = await renewScript.run(
      this.#redis,
      [this.leaseKey, this.fenceKey],
      [this.holder, this.#ttlMs, String(token)],
    );
    if (ok === 1) {
      this.#lastRenewedAt = Date.now();
      return true;
    }
    if (this.#token === token) this.lost(new LeaseLost(this.fenceKey, token, undefined));
    return false;
  }

  /** Stops renewing and frees the lease if it is still ours. */
  async release(): Promise<void> {
    this.stopRenewing();
    if (this.#token === undefined) return;
    this.#token = undefined;
    await releaseScript.run(this.#redis, [this.leaseKey], [this.holder]);
  }

  /** Stops the renewal timer without releasing: the lease lapses after its ttl. */
  stopRenewing(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Called by fenced writes that were refused, and by renewal; drops the token and tells `onLost` once. */
  lost(error: LeaseLost): void {
    if (this.#token === undefined) return;
    this.#token = undefined;
    this.stopRenewing();
    this.#onLost?.(error);
  }

  #startRenewing(): void {
    this.stopRenewing();
    this.#timer = setInterval(() => {
      const token = this.#token;
      this.renew().catch(() => {
        // Redis unreachable: keep trying, but past a ttl without renewal another worker may own the account.
        if (this.#token === token && Date.now() - this.#lastRenewedAt >= this.#ttlMs) {
          this.lost(new LeaseLost(this.fenceKey, token, undefined));
        }
      });
    }, this.#renewEveryMs);
    this.#timer.unref();
  }
}
