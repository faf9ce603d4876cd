import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

import type { ResolvedAccount } from '../config/accounts.js';
import type { StorageDriver } from '../storage/types.js';
import { errorMessage } from '../util/error-message.js';
import type { Bot } from './bot.js';
import { createBotFromConfig } from './create.js';

/** Where one account stands. `failed` is final for this run: the others go on. */
export type AccountState = 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

export interface AccountStatus {
  readonly name: string;
  readonly state: AccountState;
  /** Why it failed (one line, no secrets), when it did. */
  readonly error?: string;
}

export interface AccountSupervisorOptions {
  readonly accounts: readonly ResolvedAccount[];
  /** The root logger; each account logs through `child({ account: name })`. */
  readonly logger: Logger;
  /** Builds one account's bot (default `createBotFromConfig`); `logger` is the account's child logger. */
  readonly createBot?: (account: ResolvedAccount, logger: Logger) => Bot;
  /** A driver the accounts share (top-level `storage`), closed once every account stopped. */
  readonly sharedStorage?: StorageDriver;
}

interface Entry {
  readonly account: ResolvedAccount;
  readonly logger: Logger;
  bot: Bot | undefined;
  state: AccountState;
  error: string | undefined;
  unwatch: (() => void) | undefined;
}

/**
 * Runs several accounts side by side in one process. Each has its own bot
 * (client, session, plugins, storage, rate limits, logger child); a failure of
 * one — a login that fails or is refused, a ban, a logout recovery cannot
 * undo, a bot that cannot be built — is logged with its name and marks only
 * that account `failed`: the others keep serving.
 */
export class AccountSupervisor {
  readonly #entries: Entry[];
  readonly #logger: Logger;
  readonly #create: (account: ResolvedAccount, logger: Logger) => Bot;
  readonly #shared: StorageDriver | undefined;
  readonly #events = new EventEmitter();
  #stopping = false;

  constructor(options: AccountSupervisorOptions) {
    this.#logger = options.logger;
    this.#shared = options.sharedStorage;
    // The client adds `account` to the logger it is given: it gets the root, or the field would appear twice.
    this.#create =
      options.createBot ??
      ((account, logger) => createBotFromConfig(account, { logger, client: { logger: options.logger } }));
    this.#entries = options.accounts.map((account) => ({
      account,
      logger: options.logger.child({ account: account.name }),
      bot: undefined,
      state: 'starting',
      error: undefined,
      unwatch: undefined,
    }));
    this.#events.setMaxListeners(0);
  }

  /** Every account and its state, in config order. */
  status(): AccountStatus[] {
    return this.#entries.map((e) => ({
      name: e.account.name,
      state: e.state,
      ...(e.error === undefined ? {} : { error: e.error }),
    }));
  }

  /** The bot of an account (undefined before `start()` built it or when it could not be built). */
  bot(name: string): Bot | undefined {
    return this.#entries.find((e) => e.account.name === name)?.bot;
  }

  /** Calls `listener` on every state change of any account. */
  onChange(listener: (status: AccountStatus) => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  /**
   * Starts every account at once; resolves when each is running or failed
   * (never rejects: failures are in `status()`), with the statuses.
   */
  async start(): Promise<AccountStatus[]> {
    await Promise.all(this.#entries.map((e) => this.#startOne(e)));
    const running = this.#entries.filter((e) => e.state === 'running').length;
    const failed = this.#entries.filter((e) => e.state === 'failed');
    this.#logger.info(
      `${running} of ${this.#entries.length} account(s) running` +
        (failed.length > 0 ? `; failed: ${failed.map((e) => e.account.name).join(', ')}` : ''),
    );
    return this.status();
  }

  async #startOne(e: Entry): Promise<void> {
    let bot: Bot;
    try {
      bot = this.#create(e.account, e.logger);
    } catch (error) {
      this.#fail(e, error, 'could not be set up');
      return;
    }
    e.bot = bot;
    const onState = ({ to }: { to: string }): void => {
      // After a successful start, `logged-out` means recovery gave up (a ban, a logout from the phone).
      if (to === 'logged-out' && e.state === 'running') {
        this.#fail(
          e,
          new Error('the session ended and could not be recovered (logged out, banned or expired)'),
          'stopped serving',
        );
        void this.#stopOne(e, 'failed');
      }
    };
    bot.transport.on('state', onState);
    e.unwatch = () => bot.transport.off('state', onState);
    try {
      await bot.start();
    } catch (error) {
      if (this.#stopping) return;
      this.#fail(e, error, 'could not start');
      await this.#stopOne(e, 'failed');
      return;
    }
    if (this.#stopping || e.state !== 'starting') return;
    this.#set(e, 'running');
  }

  #fail(e: Entry, error: unknown, what: string): void {
    const why = errorMessage(error).split('\n')[0]!;
    e.error = why;
    e.logger.error({ error: why }, `account ${e.account.name} ${what}: ${why}; the other accounts carry on`);
    this.#set(e, 'failed');
  }

  #set(e: Entry, state: AccountState): void {
    if (e.state === state) return;
    e.state = state;
    this.#events.emit('change', {
      name: e.account.name,
      state,
      ...(e.error === undefined ? {} : { error: e.error }),
    } satisfies AccountStatus);
  }

  async #stopOne(e: Entry, final: 'failed' | 'stopped'): Promise<void> {
    e.unwatch?.();
    e.unwatch = undefined;
    if (final === 'stopped') this.#set(e, 'stopping');
    try {
      await e.bot?.stop();
    } catch (error) {
      e.logger.error({ error: errorMessage(error) }, `account ${e.account.name} did not stop cleanly`);
    }
    if (final === 'stopped') this.#set(e, 'stopped');
  }

  /** Stops every account (in parallel), then closes the shared storage. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    await Promise.all(this.#entries.filter((e) => e.state !== 'failed').map((e) => this.#stopOne(e, 'stopped')));
    await this.#shared?.close?.();
  }
}
