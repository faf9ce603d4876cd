import type { Logger } from 'pino';

import type { KeyValueStore } from '../storage/types.js';
import type { TransportCapabilities } from '../transport/types.js';
import { createActions, type ActionBackend, type ActionLog } from './actions.js';
import { Composer } from './composer.js';
import type { Permit } from './permissions.js';
import { CalendarSchedule } from './schedule.js';
import { runBulk } from './bulk.js';
import type { Actions, BotContext, PluginServices, ScheduleSpec, TimerHandle } from './types.js';

/** Longest delay Node timers accept; longer waits are chained. */
const MAX_DELAY = 2_147_483_647;

/** What a scope needs from the host. */
export interface ScopeHost {
  readonly backend: ActionBackend;
  /** See `PluginServices.capabilities`. */
  readonly capabilities: TransportCapabilities;
  readonly log: ActionLog;
  /** See `PluginServices.baseDir`. */
  readonly baseDir: string;
  /** Called with every error thrown by a timer or job callback. */
  reportFailure(scope: PluginScope, error: unknown, where: string): void;
  /** The message this scope's code is handling right now, so `ctx.send` inside a handler is attributed to it. */
  causeOf(scope: PluginScope): string | undefined;
  /** The plugin's permission check (manifest and config narrowing); undefined: everything allowed. */
  readonly permit?: Permit | undefined;
}

/**
 * A plugin's context: its middleware tree plus resources that are released
 * together when the plugin stops (timers, jobs, dispose callbacks).
 */
export class PluginScope extends Composer<BotContext> implements PluginServices {
  readonly name: string;
  readonly logger: Logger;
  readonly storage: KeyValueStore;
  readonly #host: ScopeHost;
  readonly #abort = new AbortController();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #disposers: (() => unknown)[] = [];
  #disposed = false;
  #cachedCause: string | undefined;
  #cached: Actions | undefined;

  constructor(name: string, logger: Logger, storage: KeyValueStore, host: ScopeHost) {
    super();
    this.name = name;
    this.logger = logger;
    this.storage = storage;
    this.#host = host;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
  get baseDir(): string {
    return this.#host.baseDir;
  }
  get capabilities(): TransportCapabilities {
    return this.#host.capabilities;
  }
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Actions attributed to this plugin and the message being handled (if any). */
  actionsFor(cause: string | undefined): Actions {
    // Handlers of one message ask repeatedly (ctx.reply, ctx.send, ...); actions hold no state but attribution.
    if (this.#cached !== undefined && this.#cachedCause === cause) return this.#cached;
    const actions = createActions(this.#host.backend, this.#host.log, {
      plugin: this.name,
      cause,
      permit: this.#host.permit,
    });
    this.#cachedCause = cause;
    this.#cached = actions;
    return actions;
  }
  #actions(): Actions {
    return this.actionsFor(this.#host.causeOf(this));
  }

  send: Actions['send'] = (to, content) => this.#actions().send(to, content);
  acceptFriend: Actions['acceptFriend'] = (request) => this.#actions().acceptFriend(request);
  get rooms(): Actions['rooms'] {
    return this.#actions().rooms;
  }
  get contacts(): Actions['contacts'] {
    return this.#actions().contacts;
  }
  get messages(): Actions['messages'] {
    return this.#actions().messages;
  }
  get chats(): Actions['chats'] {
    return this.#actions().chats;
  }

  bulkSend: PluginServices['bulkSend'] = (targets, content, options = {}) => {
    this.#assertLive('bulkSend');
    const cause = this.#host.causeOf(this);
    const bulk = createActions(this.#host.backend, this.#host.log, {
      plugin: this.name,
      cause,
      permit: this.#host.permit,
      lane: 'bulk',
    });
    return runBulk((to, c) => bulk.send(to, c), targets, content, options, this.signal);
  };

  #guard(callback: () => unknown, where: string): () => void {
    return () => {
      if (this.#disposed) return;
      try {
        Promise.resolve(callback()).catch((error: unknown) => {
          this.#host.reportFailure(this, error, where);
        });
      } catch (error) {
        this.#host.reportFailure(this, error, where);
      }
    };
  }

  #assertLive(what: string): void {
    if (this.#disposed) throw new Error(`plugin "${this.name}" is stopped; ${what} is not allowed`);
  }

  #checkDelay(ms: number, what: string): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what}: delay must be a finite number ≥ 0, got ${ms}`);
  }

  setTimeout(callback: () => unknown, ms: number): TimerHandle {
    this.#assertLive('setTimeout');
    if (!Number.isFinite(ms)) throw new RangeError(`setTimeout: delay must be a finite number of ms, got ${ms}`);
    const run = this.#guard(callback, 'timer');
    // A negative delay is a moment already past (`deadline - Date.now()` read a tick late): it runs at
    // once, as Node's own timer would, instead of throwing from the handler that asked.
    return this.#at(Date.now() + Math.max(0, ms), run);
  }

  setInterval(callback: () => unknown, ms: number): TimerHandle {
    this.#assertLive('setInterval');
    this.#checkDelay(ms, 'setInterval');
    if (ms < 1) throw new RangeError('setInterval: period must be at least 1 ms');
    const timer = setInterval(this.#guard(callback, 'interval'), ms);
    timer.unref();
    this.#timers.add(timer);
    return {
      cancel: () => {
        clearInterval(timer);
        this.#timers.delete(timer);
      },
    };
  }

  /** Fires `run` at an absolute time, chaining timers for waits beyond Node's limit. */
  #at(when: number, run: () => void): TimerHandle {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const wait = Math.max(0, when - Date.now());
      timer = setTimeout(
        () => {
          if (timer !== undefined) this.#timers.delete(timer);
          if (cancelled) return;
          if (Date.now() < when) arm();
          else run();
        },
        Math.min(wait, MAX_DELAY),
      );
      timer.unref();
      this.#timers.add(timer);
    };
    arm();
    return {
      cancel: () => {
        cancelled = true;
        if (timer !== undefined) {
          clearTimeout(timer);
          this.#timers.delete(timer);
        }
      },
    };
  }

  schedule(spec: ScheduleSpec, job: () => unknown): TimerHandle {
    this.#assertLive('schedule');
    const run = this.#guard(job, 'scheduled job');
    if ('everyMs' in spec)
      return this.setInterval(() => {
        run();
      }, spec.everyMs);
    if ('at' in spec) {
      const when = spec.at instanceof Date ? spec.at.getTime() : spec.at;
      if (!Number.isFinite(when)) throw new RangeError('schedule: `at` is not a valid time');
      return this.#at(when, run);
    }
    const calendar = new CalendarSchedule(spec); // throws now, at registration, on a bad spec
    let current: TimerHandle | undefined;
    let cancelled = false;
    let last = 0;
    const plan = () => {
      // From the later of now and the last run: a timer firing a hair early must not run a slot twice.
      const when = calendar.next(Math.max(Date.now(), last));
      if (when === undefined) return; // e.g. a cron naming a date that has passed
      last = when;
      current = this.#at(when, () => {
        run();
        if (!cancelled && !this.#disposed) plan();
      });
    };
    plan();
    return {
      cancel: () => {
        cancelled = true;
        current?.cancel();
      },
    };
  }

  onDispose(callback: () => unknown): void {
    this.#assertLive('onDispose');
    this.#disposers.push(callback);
  }

  /** Releases everything the plugin registered; dispose callbacks run in reverse order. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#abort.abort(new Error(`plugin "${this.name}" stopped`));
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const callback of this.#disposers.reverse()) {
      try {
        await callback();
      } catch (error) {
        this.logger.error({ err: error }, `plugin "${this.name}": a dispose callback failed`);
      }
    }
  }
}
