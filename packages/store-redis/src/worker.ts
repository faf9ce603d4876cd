import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';

import type { Redis } from 'ioredis';

import { writeState, type Fence, type LeaseLost } from './fence.js';
import { accountPrefix } from './keys.js';
import { AccountLease } from './lease.js';
import { fairShare, WorkerRegistry } from './pool.js';
import { RedisSessionStore } from './session-store.js';
import { RedisStorage } from './storage.js';
import { RedisTokenBucket } from './token-bucket.js';

/** What a worker hands the code that runs one account: its stores, all fenced by the account's lease. */
export interface AccountContext {
  readonly account: string;
  readonly prefix: string;
  readonly worker: string;
  readonly redis: Redis;
  readonly lease: AccountLease;
  readonly sessionStore: RedisSessionStore;
  readonly storage: RedisStorage;
  /** A send limit of this account shared by every worker (`<prefix>bucket:<name>`). */
  bucket(name: string, limits: { burst: number; perSecond: number }): RedisTokenBucket;
  /** Call on activity (a message in or out): `wxbot accounts` shows it, written at most every few seconds. */
  touch(): void;
}

/** A running account; `stop()` ends it (gracefully; after a lost lease its writes are refused anyway). */
export interface AccountHandle {
  stop(): Promise<void>;
}

export type WorkerEvent =
  | { type: 'acquired'; account: string; token: number }
  | { type: 'started'; account: string }
  | { type: 'failed'; account: string; error: string }
  | { type: 'lost'; account: string; error: string }
  | { type: 'refused'; account: string; error: string }
  | { type: 'released'; account: string }
  | { type: 'stopped'; account: string };

export interface WorkerOptions {
  /** A client the worker uses for leases, heartbeats and every account's stores; the caller closes it. */
  readonly redis: Redis;
  /** The pool: every account any worker of it may serve (every worker should be given the same list). */
  readonly accounts: readonly string[];
  /** Starts one account once its lease is held (e.g. builds and starts its bot); rejects when it cannot run. */
  readonly start: (context: AccountContext) => Promise<AccountHandle>;
  /** At most this many accounts at once. Default: unlimited. */
  readonly capacity?: number;
  /** Shown as the owner by `wxbot accounts`; default `<hostname>-<pid>`. */
  readonly id?: string;
  /** First part of every key; default `wxbot`. */
  readonly root?: string;
  /**
   * Lease (and heartbeat) lifetime; a dead worker's accounts move within about ttl + tick + a login.
   * Default 8 000: takeover under 15 s with room for a slow login, while a pause (GC, a blip) must
   * last 8 s before it costs the account.
   */
  readonly leaseTtlMs?: number;
  /** How often the worker heartbeats and looks for accounts to take or give back; default min(ttl / 3, 1 s). */
  readonly tickMs?: number;
  /** After an account failed to start here, this worker leaves it to others for this long. Default 60 000. */
  readonly retryFailedMs?: number;
  /** How long after its first heartbeat the worker starts taking accounts; default one tick. */
  readonly joinDelayMs?: number;
}

interface Held {
  readonly lease: AccountLease;
  readonly fence: Fence;
  readonly prefix: string;
  handle: AccountHandle | undefined;
  starting: Promise<void> | undefined;
  lastTouch: number;
}

/**
 * One worker of a cluster. Every tick it heartbeats, works out its fair share
 * (ceil(accounts / live workers), capped by its capacity) and takes free
 * accounts up to it, one lease each (`SET NX PX`, renewed, fenced); above it
 * (a worker joined) it gives accounts back, one per tick. A taken account
 * starts through `start` with stores fenced by its lease, so it resumes from
 * the session and journals its last owner left in Redis (hot login: no QR).
 * A lease lost (renewal refused, a write fenced off, Redis unreachable for a
 * ttl) stops that account at once; its late writes are refused by the fence.
 */
export class Worker {
  readonly id: string;
  readonly #redis: Redis;
  readonly #accounts: readonly string[];
  readonly #start: WorkerOptions['start'];
  readonly #capacity: number;
  readonly #root: string;
  readonly #ttlMs: number;
  readonly #tickMs: number;
  readonly #retryFailedMs: number;
  readonly #joinDelayMs: number;
  readonly #registry: WorkerRegistry;
  readonly #held = new Map<string, Held>();
  readonly #failedAt = new Map<string, number>();
  readonly #events = new EventEmitter();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopped = false;

  constructor(options: WorkerOptions) {
    this.#redis = options.redis;
    this.#accounts = [...new Set(options.accounts)];
    for (const account of this.#accounts) accountPrefix(account, options.root);
    this.#start = options.start;
    this.#capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (!(this.#capacity >= 1)) {
      throw new RangeError(`worker: capacity must be at least 1 (got ${options.capacity}); e.g. --capacity 50`);
    }
    this.#root = options.root ?? 'wxbot';
    this.#ttlMs = options.leaseTtlMs ?? 8000;
    // A tick costs one script call when the worker holds its share: ticking often finds free accounts soon.
    this.#tickMs = options.tickMs ?? Math.max(50, Math.min(1000, Math.floor(this.#ttlMs / 3)));
    this.#retryFailedMs = options.retryFailedMs ?? 60_000;
    this.#joinDelayMs = options.joinDelayMs ?? this.#tickMs;
    this.id = options.id ?? `${hostname()}-${process.pid}`;
    this.#registry = new WorkerRegistry(this.#redis, this.id, { root: this.#root, ttlMs: this.#ttlMs });
    this.#events.setMaxListeners(0);
  }

  /** Accounts whose lease this worker holds. */
  held(): string[] {
    return [...this.#held.keys()].sort();
  }

  on(listener: (event: WorkerEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  #emit(event: WorkerEvent): void {
    this.#events.emit('event', event);
  }

  /** Joins the pool and takes its share; resolves after the first tick (accounts still log in behind it). */
  async start(): Promise<void> {
    await this.#registry.register(this.#accounts);
    // Announce first and wait a tick: workers started together then see each other before taking
    // accounts, instead of the first taking everything and handing most of it back.
    await this.#registry.heartbeat();
    if (this.#joinDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#joinDelayMs));
    await this.tick();
    this.#timer = setInterval(() => {
      this.tick().catch(() => {
        // Redis unreachable: the leases notice on their own (no renewal for a ttl → lost).
      });
    }, this.#tickMs);
  }

  /** One round: heartbeat, give back above the share, take free accounts up to it. */
  async tick(): Promise<void> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#round().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    const alive = await this.#registry.heartbeat();
    const share = fairShare(this.#accounts.length, alive.length, this.#capacity);
    if (this.#held.size > share) {
      // A worker joined: hand the excess back at once (stopped cleanly, in parallel), so its share
      // reaches it within a tick or two rather than one account per tick.
      const excess = [...this.#held.keys()].slice(share);
      await Promise.all(excess.map((account) => this.#giveBack(account)));
      return;
    }
    const now = Date.now();
    // Start at a different place per worker, so workers starting together contend less.
    let offset = 0;
    for (let i = 0; i < this.id.length; i++) offset += this.id.charCodeAt(i);
    offset %= Math.max(1, this.#accounts.length);
    const order = [...this.#accounts.slice(offset), ...this.#accounts.slice(0, offset)];
    for (const account of order) {
      if (this.#stopped || this.#held.size >= share) break;
      if (this.#held.has(account)) continue;
      if (now - (this.#failedAt.get(account) ?? -Infinity) < this.#retryFailedMs) continue;
      await this.#tryTake(account);
    }
  }

  async #tryTake(account: string): Promise<void> {
    const prefix = accountPrefix(account, this.#root);
    const lease: AccountLease = new AccountLease({
      redis: this.#redis,
      prefix,
      worker: this.id,
      ttlMs: this.#ttlMs,
      onLost: (error) => {
        this.#lost(account, lease, error);
      },
    });
    if (!(await lease.tryAcquire())) return;
    // The stores write with the token of this acquire for as long as they live, even after the lease
    // was lost here: Redis, not this process's view, decides (a write after another worker took over
    // is refused by the script; one after a lapse nobody acted on harms no one).
    const token = lease.token;
    const fence: Fence = {
      fenceKey: lease.fenceKey,
      token,
      lost: (error) => {
        this.#emit({ type: 'refused', account, error: error.message });
        lease.lost(error);
      },
    };
    const held: Held = { lease, fence, prefix, handle: undefined, starting: undefined, lastTouch: 0 };
    this.#held.set(account, held);
    this.#emit({ type: 'acquired', account, token: lease.token ?? 0 });
    held.starting = this.#run(account, held);
  }

  async #run(account: string, held: Held): Promise<void> {
    const { lease, fence, prefix } = held;
    const redis = this.#redis;
    const status = (fields: Record<string, string>): Promise<unknown> =>
      writeState(redis, fence, 'HSET', [`${prefix}status`], Object.entries(fields).flat());
    const context: AccountContext = {
      account,
      prefix,
      worker: this.id,
      redis,
      lease,
      sessionStore: new RedisSessionStore({ redis, prefix, lease: fence }),
      storage: new RedisStorage({ redis, prefix, lease: fence }),
      bucket: (name, limits) => new RedisTokenBucket({ redis, prefix, name, ...limits }),
      touch: () => {
        const now = Date.now();
        if (now - held.lastTouch < 2000 || !lease.held) return;
        held.lastTouch = now;
        status({ activity: String(now) }).catch(() => undefined);
      },
    };
    try {
      await status({ state: 'starting', owner: this.id, since: String(Date.now()) });
      const handle = await this.#start(context);
      if (this.#held.get(account) !== held) {
        // Lost (or stopped) while it logged in: it must not run on.
        await handle.stop().catch(() => undefined);
        return;
      }
      held.handle = handle;
      await status({ state: 'running', activity: String(Date.now()) });
      this.#emit({ type: 'started', account });
    } catch (error) {
      if (this.#held.get(account) !== held) return;
      const why = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      this.#failedAt.set(account, Date.now());
      this.#emit({ type: 'failed', account, error: why });
      await status({ state: 'failed', error: why.slice(0, 200) }).catch(() => undefined);
      this.#held.delete(account);
      await lease.release().catch(() => undefined);
    }
  }

  #lost(account: string, lease: AccountLease, error: LeaseLost): void {
    const held = this.#held.get(account);
    if (held?.lease !== lease) return;
    // Forget it first: nothing this worker does for the account from here on counts.
    this.#held.delete(account);
    this.#emit({ type: 'lost', account, error: error.message });
    void (async () => {
      await held.starting;
      await held.handle?.stop().catch(() => undefined);
      this.#emit({ type: 'stopped', account });
    })();
  }

  /** Stops an account cleanly (its state saved under the lease), then frees the lease for another worker. */
  async #giveBack(account: string): Promise<void> {
    const held = this.#held.get(account);
    if (held === undefined) return;
    await held.starting;
    if (this.#held.get(account) !== held) return;
    await held.handle?.stop().catch(() => undefined);
    await writeState(this.#redis, held.fence, 'HSET', [`${held.prefix}status`], ['state', 'free']).catch(
      () => undefined,
    );
    this.#held.delete(account);
    await held.lease.release().catch(() => undefined);
    this.#emit({ type: 'released', account });
  }

  /** Stops every account cleanly, frees their leases and leaves the pool (the others take over at once). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#ticking?.catch(() => undefined);
    await Promise.all([...this.#held.keys()].map((account) => this.#giveBack(account)));
    await this.#registry.leave().catch(() => undefined);
  }
}
