import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

import type { ResolvedAccount } from '../config/accounts.js';
import type { StorageDriver } from '../storage/types.js';
import { errorMessage } from '../util/error-message.js';
import type { Bot } from './bot.js';
import { createBotFromConfig } from './create.js';
import {
  DEFAULT_RESTART,
  endedSessionVerdict,
  finalCauseHint,
  restartDelay,
  startFailureVerdict,
  type FailureVerdict,
  type FinalCause,
} from './restart-policy.js';

/**
 * Where one account stands. `restarting`: it failed and waits for its restart
 * (`restartAt`); `failed` is final for this run (`cause` says why): the others go on.
 */
export type AccountState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopping' | 'stopped';

export interface AccountStatus {
  readonly name: string;
  readonly state: AccountState;
  /** Why it failed last (one line, no secrets), when it did. */
  readonly error?: string;
  /** Why it is not restarted (state `failed`). */
  readonly cause?: FinalCause;
  /** How many times it was restarted in this run. */
  readonly restarts: number;
  /** When its next restart is due, epoch ms (state `restarting`). */
  readonly restartAt?: number;
}

/** The time source of restart delays; tests drive a fake one. */
export interface SupervisorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the bot factory is told about the bot it builds. */
export interface BotBuild {
  /** 0 at the first start; n for the n-th restart, which should log in from the stored session only. */
  readonly restart: number;
}

export interface AccountSupervisorOptions {
  readonly accounts: readonly ResolvedAccount[];
  /** The root logger; each account logs through `child({ account: name })`. */
  readonly logger: Logger;
  /**
   * Builds one account's bot (default `createBotFromConfig`, with `loginMode: 'hot'` for restarts);
   * `logger` is the account's child logger. Called again, for a new bot, at each restart.
   */
  readonly createBot?: (account: ResolvedAccount, logger: Logger, build: BotBuild) => Bot;
  /** A driver the accounts share (top-level `storage`), closed once every account stopped. */
  readonly sharedStorage?: StorageDriver;
  /** Default the real clock. */
  readonly clock?: SupervisorClock;
  /** Jitter source in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/**
 * The default bot factory: everything from the account's config (`createBotFromConfig`); a restart resumes
 * the stored session only (`loginMode: 'hot'`): a QR code nobody is there to scan would just time out.
 */
export function configuredBot(root: Logger): (account: ResolvedAccount, logger: Logger, build: BotBuild) => Bot {
  // The client adds `account` to the logger it is given: it gets the root, or the field would appear twice.
  return (account, logger, build) =>
    createBotFromConfig(account, {
      logger,
      client: { logger: root, ...(build.restart > 0 ? { loginMode: 'hot' } : {}) },
    });
}

/** The context of the client's `error` event when its sync loop threw: nothing polls any more. */
const LOOP_CRASHED = 'sync loop crashed';

const realClock: SupervisorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

interface Entry {
  readonly account: ResolvedAccount;
  readonly logger: Logger;
  bot: Bot | undefined;
  state: AccountState;
  error: string | undefined;
  cause: FinalCause | undefined;
  unwatch: (() => void) | undefined;
  /** Restarts in this run, and in a row since the last stable run (what the backoff and maxAttempts count). */
  restarts: number;
  attempt: number;
  runningSince: number | undefined;
  timer: unknown;
  restartAt: number | undefined;
  /** The failed bot's stop, awaited before its successor starts (they share the data dir). */
  stopped: Promise<void>;
}

/**
 * Runs several accounts side by side in one process. Each has its own bot
 * (client, session, plugins, storage, rate limits, logger child); a failure of
 * one — a login that fails or is refused, a ban, a logout recovery cannot
 * undo, a crashed sync loop, a bot that cannot be built — is logged with its
 * name and touches only that account: the others keep serving. A failure a
 * restart can fix is followed by one (its `restart` policy: backoff with
 * jitter, a new bot logged in from the stored session); a ban, a login that
 * needs a person, or a setup error is final, and its status says why.
 */
export class AccountSupervisor {
  readonly #entries: Entry[];
  readonly #logger: Logger;
  readonly #create: (account: ResolvedAccount, logger: Logger, build: BotBuild) => Bot;
  readonly #shared: StorageDriver | undefined;
  readonly #clock: SupervisorClock;
  readonly #random: () => number;
  readonly #events = new EventEmitter();
  #stopping = false;

  constructor(options: AccountSupervisorOptions) {
    this.#logger = options.logger;
    this.#shared = options.sharedStorage;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#create = options.createBot ?? configuredBot(options.logger);
    this.#entries = options.accounts.map((account) => ({
      account,
      logger: options.logger.child({ account: account.name }),
      bot: undefined,
      state: 'starting',
      error: undefined,
      cause: undefined,
      unwatch: undefined,
      restarts: 0,
      attempt: 0,
      runningSince: undefined,
      timer: undefined,
      restartAt: undefined,
      stopped: Promise.resolve(),
    }));
    this.#events.setMaxListeners(0);
  }

  /** Every account and its state, in config order. */
  status(): AccountStatus[] {
    return this.#entries.map((e) => this.#statusOf(e));
  }

  #statusOf(e: Entry): AccountStatus {
    return {
      name: e.account.name,
      state: e.state,
      ...(e.error === undefined ? {} : { error: e.error }),
      ...(e.cause === undefined ? {} : { cause: e.cause }),
      restarts: e.restarts,
      ...(e.restartAt === undefined ? {} : { restartAt: e.restartAt }),
    };
  }

  /** The current bot of an account (undefined before `start()` built it or when it could not be built). */
  bot(name: string): Bot | undefined {
    return this.#entries.find((e) => e.account.name === name)?.bot;
  }

  /** Calls `listener` on every state change of any account (a restart's new bot exists at its `starting`). */
  onChange(listener: (status: AccountStatus) => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  /**
   * Starts every account at once; resolves when each is running, restarting
   * or failed (never rejects: failures are in `status()`), with the statuses.
   */
  async start(): Promise<AccountStatus[]> {
    await Promise.all(this.#entries.map((e) => this.#startOne(e)));
    const running = this.#entries.filter((e) => e.state === 'running').length;
    const names = (state: AccountState): string[] =>
      this.#entries.filter((e) => e.state === state).map((e) => e.account.name);
    const failed = names('failed');
    const restarting = names('restarting');
    this.#logger.info(
      `${running} of ${this.#entries.length} account(s) running` +
        (failed.length > 0 ? `; failed: ${failed.join(', ')}` : '') +
        (restarting.length > 0 ? `; restarting: ${restarting.join(', ')}` : ''),
    );
    return this.status();
  }

  async #startOne(e: Entry): Promise<void> {
    let bot: Bot;
    try {
      bot = this.#create(e.account, e.logger, { restart: e.restarts });
    } catch (error) {
      e.bot = undefined;
      this.#failed(e, error, 'could not be set up', { restart: false, cause: 'needs-fix' });
      return;
    }
    e.bot = bot;
    // Announced once the new bot exists, so a listener can subscribe to it before it logs in.
    this.#set(e, 'starting');
    let lastError: unknown;
    const onState = ({ to }: { to: string }): void => {
      // After a successful start, `logged-out` means recovery gave up (a ban, a logout, the network).
      if (to !== 'logged-out' || e.state !== 'running' || e.bot !== bot) return;
      const why = new Error(
        `the session ended and could not be recovered${lastError === undefined ? '' : ` (${errorMessage(lastError)})`}`,
      );
      this.#failed(e, why, 'stopped serving', endedSessionVerdict(lastError));
    };
    const onError = ({ error, context }: { error: Error; context: string }): void => {
      lastError = error;
      if (context === LOOP_CRASHED && e.state === 'running' && e.bot === bot)
        this.#failed(e, error, 'stopped serving (its sync loop crashed)', { restart: true });
    };
    bot.transport.on('state', onState);
    bot.transport.on('error', onError);
    e.unwatch = () => {
      bot.transport.off('state', onState);
      bot.transport.off('error', onError);
    };
    try {
      await bot.start();
    } catch (error) {
      if (this.#stopping || e.bot !== bot || e.state !== 'starting') return;
      this.#failed(e, error, 'could not start', startFailureVerdict(error));
      return;
    }
    if (this.#stopping || e.bot !== bot || e.state !== 'starting') return;
    e.runningSince = this.#clock.now();
    this.#set(e, 'running');
  }

  /** Takes a failed account down, then schedules its restart or marks it failed for good. */
  #failed(e: Entry, error: unknown, what: string, verdict: FailureVerdict): void {
    const why = errorMessage(error).split('\n')[0]!;
    e.error = why;
    const policy = e.account.restart ?? DEFAULT_RESTART;
    const now = this.#clock.now();
    // A run that lasted counts as healthy: the backoff starts over. One that did not keeps growing it,
    // so an account that crashes right after each start cannot spin.
    if (policy !== false && e.runningSince !== undefined && now - e.runningSince >= policy.stableMs) e.attempt = 0;
    e.runningSince = undefined;
    let cause: FinalCause | undefined = verdict.restart ? undefined : verdict.cause;
    if (cause === undefined && policy === false) cause = 'restart-off';
    if (cause === undefined && policy !== false && policy.maxAttempts !== undefined && e.attempt >= policy.maxAttempts)
      cause = 'gave-up';
    const bot = e.bot;
    e.unwatch?.();
    e.unwatch = undefined;
    e.stopped = this.#stopBot(e, bot);
    if (cause !== undefined || policy === false) {
      e.cause = cause;
      e.logger.error(
        { error: why, cause },
        `account ${e.account.name} ${what}: ${why}; ${finalCauseHint(cause ?? 'restart-off', e.account.name)}; the other accounts carry on`,
      );
      this.#set(e, 'failed');
      return;
    }
    e.attempt++;
    const delay = restartDelay(policy, e.attempt, this.#random);
    e.restartAt = now + delay;
    e.logger.error(
      { error: why, attempt: e.attempt, delayMs: delay },
      `account ${e.account.name} ${what}: ${why}; restarting it in ${Math.ceil(delay / 1000)} s (attempt ${e.attempt}); the other accounts carry on`,
    );
    e.timer = this.#clock.setTimeout(() => {
      e.timer = undefined;
      void this.#restart(e);
    }, delay);
    this.#set(e, 'restarting');
  }

  async #restart(e: Entry): Promise<void> {
    await e.stopped;
    if (this.#stopping || e.state !== 'restarting') return;
    e.restarts++;
    e.restartAt = undefined;
    e.logger.info(`account ${e.account.name}: restart ${e.restarts}, from the stored session`);
    await this.#startOne(e);
  }

  #set(e: Entry, state: AccountState): void {
    if (e.state === state) return;
    e.state = state;
    if (state !== 'restarting') e.restartAt = undefined;
    this.#events.emit('change', this.#statusOf(e));
  }

  async #stopBot(e: Entry, bot: Bot | undefined): Promise<void> {
    try {
      await bot?.stop();
    } catch (error) {
      e.logger.error({ error: errorMessage(error) }, `account ${e.account.name} did not stop cleanly`);
    }
  }

  /** Stops every account (in parallel; pending restarts are called off), then closes the shared storage. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    await Promise.all(
      this.#entries.map(async (e) => {
        if (e.timer !== undefined) this.#clock.clearTimeout(e.timer);
        e.timer = undefined;
        if (e.state === 'failed') return e.stopped;
        // A restarting account's bot was stopped when it failed.
        const down = e.state === 'restarting';
        e.unwatch?.();
        e.unwatch = undefined;
        this.#set(e, 'stopping');
        await e.stopped;
        if (!down) await this.#stopBot(e, e.bot);
        this.#set(e, 'stopped');
      }),
    );
    await this.#shared?.close?.();
  }
}
