import type { Logger } from 'pino';

import { redactingChild } from '../log/logger.js';
import { redactText } from '../log/redact.js';
import { pluginOptionsJsonSchema } from './json-schema.js';
import type { StorageDriver } from '../storage/types.js';
import { guardActions } from '../transport/capabilities.js';
import type { Transport, TransportActions } from '../transport/types.js';
import type { ActionBackend, ActionLog } from './actions.js';
import { checkRequirements } from './requires.js';
import { checkPermissions, createPermit, warnUnmanifested, type PermissionNarrowing } from './permissions.js';
import { DeadlineWatch } from './deadline.js';
import { timeHandler, type HandlerTimeObserver } from './handler-time.js';
import type { Dispatchable } from './dispatchable.js';
import type { Plugin } from './define.js';
import { currentCause, syncCause } from './cause.js';
import {
  errorFields,
  HandlerTimeout,
  Pass,
  type Entry,
  type PassHost,
  type PluginState,
  type Run,
} from './pipeline.js';
import { PluginScope } from './scope.js';
import { Stalls } from './stalls.js';
import { errorMessage } from '../util/error-message.js';
import { isServerVerdict } from '../client/errors.js';

/** A plugin ready to start: the value plus its validated options. */
export interface LoadedPlugin {
  readonly plugin: Plugin<unknown, unknown>;
  readonly options: unknown;
  /** The config entry's narrowing of the plugin's permissions (`[plugin, options, { permissions }]`). */
  readonly permissions?: PermissionNarrowing | undefined;
  /** The npm package it was loaded from (a name in bot.config.ts); undefined for values and local paths. */
  readonly fromPackage?: string | undefined;
}

export type { Dispatchable } from './dispatchable.js';

/** Isolation settings (all optional in config). */
export interface IsolationOptions {
  /** A handler running longer than this (excluding time spent in `next()`) counts as failed. Default 10 000. */
  handlerTimeoutMs?: number | undefined;
  /** `setup` running longer than this fails the plugin. Default 30 000. */
  setupTimeoutMs?: number | undefined;
  /** This many failures within `failureWindowMs` disable the plugin. Default 5. */
  maxFailures?: number | undefined;
  /** Default 60 000. */
  failureWindowMs?: number | undefined;
}

/**
 * What the host needs of a transport: its name and capabilities (to refuse plugins and answer
 * `ctx.capabilities`), contacts (to resolve targets) and actions. Every `Transport` fits.
 */
export type HostTransport = Pick<Transport, 'name' | 'capabilities' | 'contacts'> & TransportActions;

export interface PluginHostOptions extends IsolationOptions {
  readonly logger: Logger;
  readonly storage: StorageDriver;
  /** The account's transport: plugin actions go out through it. */
  readonly transport: HostTransport;
  readonly log: ActionLog;
  /** Plugins' `ctx.baseDir`: the config file's directory. Default `process.cwd()`. */
  readonly baseDir?: string;
  /** Per-chat switches: a plugin switched off in a chat is skipped there. */
  readonly switches?: { skips(plugin: string, chat: string): boolean };
  /** Told of every counted plugin failure (metrics). */
  readonly onFailure?: (plugin: string, what: string) => void;
  /** Told how long each plugin's handler took (metrics' per-plugin handler time). */
  readonly handlerTime?: HandlerTimeObserver;
}

export type { PluginState } from './pipeline.js';

/** A plugin as the host reports it: `error` is its last (masked) failure, `optionsSchema` its options' JSON Schema. */
export interface PluginStatus {
  readonly name: string;
  readonly state: PluginState;
  readonly error?: string;
  readonly optionsSchema: Record<string, unknown> | undefined;
}

/** What `dispatch` returns when the pass finished synchronously (no promise per event). */
const DONE: Promise<void> = Promise.resolve();

/**
 * Runs plugins: starts them in config order, passes each event through their
 * middleware in that order, and keeps one plugin's failure from reaching the
 * others or the bot. `dispatch` never rejects.
 */
export class PluginHost {
  readonly #options: PluginHostOptions & { readonly [K in keyof IsolationOptions]-?: number };
  readonly #entries: Entry[] = [];
  /** The plugins that also see the bot's own messages (`receiveOwnMessages`), in order. */
  readonly #ownEntries: Entry[] = [];
  readonly #pass: PassHost & { tracking: boolean };
  /** The transport's actions, each present (an absent one rejects with `CapabilityMissing`). */
  readonly #backend: ActionBackend;
  #dispatched = false;
  #stopped = false;

  constructor(options: PluginHostOptions) {
    // `??`, not a spread: a config may spell a setting out as undefined (`x: env.X ? Number(env.X) : undefined`),
    // which must mean the default, not an undefined timeout.
    this.#options = {
      ...options,
      handlerTimeoutMs: options.handlerTimeoutMs ?? 10_000,
      setupTimeoutMs: options.setupTimeoutMs ?? 30_000,
      maxFailures: options.maxFailures ?? 5,
      failureWindowMs: options.failureWindowMs ?? 60_000,
    };
    const { transport } = options;
    this.#backend = {
      ...guardActions(transport),
      // A getter: the transport's contact store is only valid after login, and may be replaced at re-login.
      get contacts() {
        return transport.contacts;
      },
    };
    const timeoutMs = this.#options.handlerTimeoutMs;
    this.#pass = {
      // Timeouts may fire up to 5 % (at most 100 ms) late; that is what lets one timer serve every handler.
      watch: new DeadlineWatch<Run>(Math.min(100, timeoutMs / 20)),
      handlerTimeoutMs: timeoutMs,
      stalls: new Stalls<Entry>(this.#options.failureWindowMs),
      switches: options.switches,
      tracking: false,
      fail: (entry, error, what, messageId) => this.#fail(entry, error, what, messageId),
    };
  }

  /** Name and state of every plugin, in config order. */
  status(): { name: string; state: PluginState }[] {
    return this.#entries.map((e) => ({ name: e.plugin.name, state: e.state }));
  }

  /** `status()` plus the last failure and the options' JSON Schema (the control API's plugin list). */
  details(): PluginStatus[] {
    return this.#entries.map((e) => ({
      name: e.plugin.name,
      state: e.state,
      ...(e.lastError === undefined ? {} : { error: e.lastError }),
      optionsSchema: pluginOptionsJsonSchema(e.plugin),
    }));
  }

  /**
   * Throws `CapabilityMissing` for the first plugin that `requires` a capability the transport lacks.
   * The bot calls it before logging in, so nobody scans a QR code for a bot that cannot run.
   */
  check(plugins: readonly LoadedPlugin[]): void {
    checkRequirements(plugins, this.#options.transport);
    checkPermissions(plugins);
  }

  /**
   * Runs every plugin's setup in order; a failing setup is logged and that plugin is left out. Throws
   * (before any setup) when a plugin requires a capability the transport lacks: see {@link check}.
   */
  async start(plugins: readonly LoadedPlugin[]): Promise<void> {
    this.check(plugins);
    const seen = new Set<string>();
    for (const { plugin, options, permissions, fromPackage } of plugins) {
      // Redacted here too: the host may be given a logger built without it, and plugins log what they hold.
      // One redactor per parent, not per plugin (see redactingChild).
      const logger = redactingChild(this.#options.logger, { plugin: plugin.name });
      if (seen.has(plugin.name)) {
        logger.warn(`plugin "${plugin.name}" is listed twice; both instances run and share its storage`);
      }
      seen.add(plugin.name);
      if (fromPackage !== undefined) {
        warnUnmanifested(plugin, permissions !== undefined, (m) => {
          logger.warn(m);
        });
      }
      const backend = this.#backend;
      const scope = new PluginScope(plugin.name, logger, this.#options.storage.namespace(plugin.name), {
        backend: this.#backend,
        capabilities: this.#options.transport.capabilities,
        log: this.#options.log,
        baseDir: this.#options.baseDir ?? process.cwd(),
        reportFailure: (s, error, where) => {
          this.#fail(entry, error, `${where} failed`);
        },
        causeOf: (s) => this.#causeOf(s),
        permit: createPermit(plugin.name, plugin.permissions, permissions, () => backend.contacts),
      });
      const middleware = timeHandler(plugin.name, scope.middleware(), this.#options.handlerTime);
      const entry: Entry = { plugin, scope, middleware, state: 'starting', failures: [] };
      this.#entries.push(entry);
      if (plugin.receiveOwnMessages) this.#ownEntries.push(entry);
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
        entry.lastError = redactText(`setup failed: ${errorMessage(error)}`);
        logger.error(
          errorFields(error),
          `plugin "${plugin.name}" failed to start and is disabled: ${errorMessage(error)}`,
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

  /**
   * The message a plugin's scope-level action belongs to. The first such
   * action after serving began turns tracking on: later passes enter
   * `currentCause`, which then answers exactly. For a pass that started
   * untracked, the synchronous part is known; later, the plugin's only
   * in-flight run of an untracked pass is taken (none or several: undefined).
   */
  #causeOf(scope: PluginScope): string | undefined {
    const stored = currentCause.getStore();
    if (stored !== undefined) return stored;
    if (this.#dispatched) this.#pass.tracking = true;
    const sync = syncCause();
    if (sync !== undefined) return sync;
    let found: string | undefined;
    for (const run of this.#pass.watch.runs()) {
      if (run.scope !== scope || run.pass.tracked) continue;
      if (found !== undefined && found !== run.pass.id) return undefined;
      found = run.pass.id;
    }
    return found;
  }

  /** Records a failure; disables the plugin once it fails too often. False when it was not the plugin's fault. */
  #fail(entry: Entry, error: unknown, what: string, messageId?: string): boolean {
    const { logger } = entry.scope;
    // Stryker disable next-line ConditionalExpression: pino leaves an undefined messageId out of the line anyway
    const fields = { ...errorFields(error), ...(messageId === undefined ? {} : { messageId }) };
    const message = errorMessage(error);
    const waiting =
      error instanceof HandlerTimeout &&
      messageId !== undefined &&
      this.#options.log.pendingFor(entry.plugin.name, messageId);
    // A handler awaiting its own send, held back by the server (1205) or the bot's pacing, is not hanging.
    if (isServerVerdict(error) || waiting) {
      // The server refused the action (or its outcome is unknowable): the plugin did nothing wrong.
      logger.warn(
        fields,
        `plugin "${entry.plugin.name}" ${what}${messageId === undefined ? '' : ` (message ${messageId})`}: ${message} (${waiting ? 'its action is still waiting in the queue' : 'a server verdict'}, not counted as a plugin failure)`,
      );
      return false;
    }
    // Kept for the control API's plugin list; masked, since an error message may quote a request URL.
    entry.lastError = redactText(`${what}: ${message}`);
    logger.error(
      fields,
      `plugin "${entry.plugin.name}" ${what}${messageId === undefined ? '' : ` (message ${messageId})`}: ${message}`,
    );
    this.#options.onFailure?.(entry.plugin.name, what);
    if (entry.state !== 'active') return true;
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
    return true;
  }

  /** Whether any plugin asked for the bot's own messages (`receiveOwnMessages`). */
  receivesOwnMessages(): boolean {
    return this.#ownEntries.length > 0;
  }

  /**
   * Passes one message or event through the active plugins, in order. Never rejects. `chat` names the
   * ordered chain it belongs to: a plugin whose handler timed out there is skipped by that chat until the
   * handler settles (see stalls.ts).
   */
  dispatch(item: Dispatchable, chat?: string): Promise<void> {
    if (this.#stopped) return DONE;
    // Stryker disable next-line ConditionalExpression: an event has no sentByBot (undefined), so the kind test only narrows the type
    const own = item.kind === 'message' && item.sentByBot;
    const id = item.kind === 'message' ? item.message.id : item.kind === 'host' ? item.event.id : item.event.messageId;
    this.#dispatched = true;
    const pass = new Pass(this.#pass, own ? this.#ownEntries : this.#entries, item, id, chat);
    try {
      // The pass's promise never rejects: every plugin's failure is contained in its run.
      return pass.start() ?? DONE;
      // Stryker disable BlockStatement,StringLiteral: unreachable by design (a pass contains every failure), so untestable
    } catch (error) {
      // Unreachable by design; kept so dispatch can never throw or reject.
      this.#options.logger.error(errorFields(error), `pipeline failed for message ${id}`);
      return DONE;
    }
    // Stryker restore BlockStatement,StringLiteral
  }

  /** Stops every plugin (reverse order) and flushes storage. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const entry of [...this.#entries].reverse()) {
      if (entry.state === 'active' || entry.state === 'starting') entry.state = 'stopped';
      await entry.scope.dispose();
    }
    this.#pass.watch.close();
    await this.#options.storage.close?.();
  }
}
