import type { Logger } from 'pino';

import type { ChatMessage, NormalizedEvent } from '../message/types.js';
import type { StorageDriver } from '../storage/types.js';
import type { ActionBackend, ActionLog } from './actions.js';
import { createEventContext } from './event-context.js';
import type { Plugin } from './define.js';
import { currentCause, PluginScope } from './scope.js';
import type { BotContext, Middleware, NextFunction } from './types.js';

/** A plugin ready to start: the value plus its validated options. */
export interface LoadedPlugin {
  readonly plugin: Plugin<unknown, unknown>;
  readonly options: unknown;
}

/** What the pipeline receives from the bot runtime. */
export type Dispatchable =
  | { readonly kind: 'message'; readonly message: ChatMessage; readonly sentByBot: boolean }
  | { readonly kind: 'event'; readonly event: NormalizedEvent };

/** Isolation settings (all optional in config). */
export interface IsolationOptions {
  /** A handler running longer than this (excluding time spent in `next()`) counts as failed. Default 10 000. */
  handlerTimeoutMs?: number;
  /** `setup` running longer than this fails the plugin. Default 30 000. */
  setupTimeoutMs?: number;
  /** This many failures within `failureWindowMs` disable the plugin. Default 5. */
  maxFailures?: number;
  /** Default 60 000. */
  failureWindowMs?: number;
}

export interface PluginHostOptions extends IsolationOptions {
  readonly logger: Logger;
  readonly storage: StorageDriver;
  readonly backend: ActionBackend;
  readonly log: ActionLog;
}

export type PluginState = 'starting' | 'active' | 'failed' | 'disabled' | 'stopped';

interface Entry {
  readonly plugin: Plugin<unknown, unknown>;
  readonly scope: PluginScope;
  readonly middleware: Middleware<BotContext>;
  state: PluginState;
  failures: number[];
}

class HandlerTimeout extends Error {
  override name = 'HandlerTimeout';
}

function errorFields(error: unknown): Record<string, unknown> {
  return { err: error instanceof Error ? error : new Error(String(error)) };
}

/**
 * Runs plugins: starts them in config order, passes each event through their
 * middleware in that order, and keeps one plugin's failure from reaching the
 * others or the bot. `dispatch` never rejects.
 */
export class PluginHost {
  readonly #options: Required<IsolationOptions> & PluginHostOptions;
  readonly #entries: Entry[] = [];
  #stopped = false;

  constructor(options: PluginHostOptions) {
    this.#options = {
      handlerTimeoutMs: 10_000,
      setupTimeoutMs: 30_000,
      maxFailures: 5,
      failureWindowMs: 60_000,
      ...options,
    };
  }

  /** Name and state of every plugin, in config order. */
  status(): { name: string; state: PluginState }[] {
    return this.#entries.map((e) => ({ name: e.plugin.name, state: e.state }));
  }

  /** Runs every plugin's setup in order; a failing setup is logged and that plugin is left out. */
  async start(plugins: readonly LoadedPlugin[]): Promise<void> {
    const seen = new Set<string>();
    for (const { plugin, options } of plugins) {
      const logger = this.#options.logger.child({ plugin: plugin.name });
      if (seen.has(plugin.name)) {
        logger.warn(`plugin "${plugin.name}" is listed twice; both instances run and share its storage`);
      }
      seen.add(plugin.name);
      const scope = new PluginScope(plugin.name, logger, this.#options.storage.namespace(plugin.name), {
        backend: this.#options.backend,
        log: this.#options.log,
        reportFailure: (s, error, where) => {
          this.#fail(entry, error, `${where} failed`);
        },
      });
      const entry: Entry = { plugin, scope, middleware: scope.middleware(), state: 'starting', failures: [] };
      this.#entries.push(entry);
      try {
        await this.#withTimeout(
          Promise.resolve().then(() => plugin.setup(scope, options)),
          this.#options.setupTimeoutMs,
          `setup did not finish within ${this.#options.setupTimeoutMs} ms`,
        );
        entry.state = 'active';
        logger.debug(`plugin "${plugin.name}" started`);
      } catch (error) {
        entry.state = 'failed';
        logger.error(
          errorFields(error),
          `plugin "${plugin.name}" failed to start and is disabled: ${(error as Error).message ?? String(error)}`,
        );
        await scope.dispose();
      }
    }
  }

  #withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new HandlerTimeout(message));
      }, ms);
    });
    return Promise.race([promise, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }

  /** Records a failure; disables the plugin once it fails too often. */
  #fail(entry: Entry, error: unknown, what: string, messageId?: string): void {
    const { logger } = entry.scope;
    const fields = { ...errorFields(error), ...(messageId === undefined ? {} : { messageId }) };
    const message = error instanceof Error ? error.message : String(error);
    logger.error(
      fields,
      `plugin "${entry.plugin.name}" ${what}${messageId === undefined ? '' : ` (message ${messageId})`}: ${message}`,
    );
    if (entry.state !== 'active') return;
    const now = Date.now();
    entry.failures = entry.failures.filter((t) => now - t < this.#options.failureWindowMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.#options.maxFailures) {
      entry.state = 'disabled';
      logger.error(
        `plugin "${entry.plugin.name}" disabled after ${entry.failures.length} failures within ${this.#options.failureWindowMs} ms; the bot keeps running without it`,
      );
      void entry.scope.dispose();
    }
  }

  /** Passes one message or event through the active plugins, in order. Never rejects. */
  async dispatch(item: Dispatchable): Promise<void> {
    if (this.#stopped) return;
    const entries = this.#entries.filter(
      (e) => e.state === 'active' && (item.kind !== 'message' || !item.sentByBot || e.plugin.receiveOwnMessages),
    );
    const state: Record<string, unknown> = {};
    const id = item.kind === 'message' ? item.message.id : item.event.messageId;
    const runFrom = async (index: number): Promise<void> => {
      const entry = entries[index];
      if (entry === undefined) return;
      if (entry.state !== 'active') return runFrom(index + 1);
      await this.#runOne(entry, item, id, state, () => runFrom(index + 1));
    };
    try {
      await runFrom(0);
    } catch (error) {
      // Unreachable by design (#runOne contains everything); kept so dispatch can never reject.
      this.#options.logger.error(errorFields(error), `pipeline failed for message ${id}`);
    }
  }

  async #runOne(
    entry: Entry,
    item: Dispatchable,
    id: string,
    state: Record<string, unknown>,
    downstream: () => Promise<void>,
  ): Promise<void> {
    const context = createEventContext(item, entry.scope.actionsFor(id), entry.plugin.name, state);
    let downstreamRun: Promise<void> | undefined;
    let settled = false;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    let budget = this.#options.handlerTimeoutMs;
    let segmentStart = Date.now();
    let onTimeout: (() => void) | undefined;

    const arm = () => {
      segmentStart = Date.now();
      timer = setTimeout(() => onTimeout?.(), Math.max(0, budget));
    };
    const pause = () => {
      clearTimeout(timer);
      budget -= Date.now() - segmentStart;
    };

    const next: NextFunction = () => {
      if (timedOut || settled) {
        return Promise.reject(
          new Error(
            `plugin "${entry.plugin.name}" called next() after its handler ${timedOut ? 'timed out' : 'finished'}`,
          ),
        );
      }
      if (downstreamRun !== undefined) {
        return Promise.reject(new Error(`plugin "${entry.plugin.name}" called next() twice`));
      }
      pause();
      downstreamRun = downstream();
      return downstreamRun.finally(() => {
        if (!settled && !timedOut) arm();
      });
    };

    const handler = currentCause.run(id, () => Promise.resolve().then(() => entry.middleware(context, next)));
    const timeout = new Promise<'timeout'>((resolve) => {
      onTimeout = () => {
        resolve('timeout');
      };
    });
    arm();
    let outcome: 'ok' | 'timeout' | { error: unknown };
    try {
      outcome = await Promise.race([handler.then(() => 'ok' as const), timeout]);
    } catch (error) {
      outcome = { error };
    } finally {
      clearTimeout(timer);
    }

    if (outcome === 'timeout') {
      timedOut = true;
      this.#fail(
        entry,
        new HandlerTimeout(`handler did not finish within ${this.#options.handlerTimeoutMs} ms`),
        'timed out',
        id,
      );
      handler.catch((error: unknown) => {
        entry.scope.logger.warn(
          { ...errorFields(error), messageId: id },
          `plugin "${entry.plugin.name}": a timed-out handler failed later`,
        );
      });
    } else {
      settled = true;
      if (outcome !== 'ok') this.#fail(entry, outcome.error, 'failed handling an event', id);
    }
    // A plugin that failed or timed out before passing the event on does not swallow it.
    if (downstreamRun === undefined && outcome !== 'ok') downstreamRun = downstream();
    await downstreamRun;
  }

  /** Stops every plugin (reverse order) and flushes storage. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const entry of [...this.#entries].reverse()) {
      if (entry.state === 'active' || entry.state === 'starting') entry.state = 'stopped';
      await entry.scope.dispose();
    }
    await this.#options.storage.close?.();
  }
}
