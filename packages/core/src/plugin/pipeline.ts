import type { Plugin } from './define.js';
import type { DeadlineWatch, Watched } from './deadline.js';
import { createEventContext } from './event-context.js';
import type { Dispatchable } from './dispatchable.js';
import { currentCause, enterSync, leaveSync } from './cause.js';
import type { PluginScope } from './scope.js';
import type { Stalls } from './stalls.js';
import type { BotContext, Middleware, NextFunction } from './types.js';

export type PluginState = 'starting' | 'active' | 'failed' | 'disabled' | 'stopped';

/** A started plugin as the host keeps it. */
export interface Entry {
  readonly plugin: Plugin<unknown, unknown>;
  readonly scope: PluginScope;
  readonly middleware: Middleware<BotContext>;
  state: PluginState;
  failures: number[];
  /** The last failure, masked (shown by the control API). */
  lastError?: string;
}

/** What a pass needs from its host. */
export interface PassHost {
  readonly watch: DeadlineWatch<Run>;
  readonly handlerTimeoutMs: number;
  /** Passes run inside `currentCause` (see cause.ts). */
  readonly tracking: boolean;
  /** Plugins stalled per chat (see stalls.ts); passes without a chat are not tracked. */
  readonly stalls?: Stalls<Entry>;
  /** Plugins switched off per chat (see chat-switches.ts). */
  readonly switches?: { skips(plugin: string, chat: string): boolean } | undefined;
  /**
   * Records a failure (logs it with plugin name and message id; may disable the plugin). False when it
   * was not the plugin's fault (a server verdict, or a handler awaiting its own still-queued action).
   */
  fail(entry: Entry, error: unknown, what: string, messageId: string): boolean;
}

export class HandlerTimeout extends Error {
  override name = 'HandlerTimeout';
}

export function errorFields(error: unknown): Record<string, unknown> {
  return { err: error instanceof Error ? error : new Error(String(error)) };
}

/** Handed out by `next()` when everything downstream finished synchronously. */
const RESOLVED: Promise<void> = Promise.resolve();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== undefined && value !== null && typeof (value as { readonly then?: unknown }).then === 'function';
}

/**
 * One event's journey through the plugins. A plugin whose middleware finishes
 * synchronously costs no promise, tick or timer; completion travels up the
 * chain of runs by direct calls, and promises are made only for code that
 * awaits (`await next()`, and `dispatch` itself).
 */
export class Pass {
  readonly host: PassHost;
  readonly entries: readonly Entry[];
  readonly item: Dispatchable;
  readonly id: string;
  /** The chat whose ordered chain this pass belongs to; undefined: not tracked for stalls. */
  readonly chat: string | undefined;
  /** Entered `currentCause`: async code of its handlers can read the cause from there. */
  readonly tracked: boolean;
  readonly state: Record<string, unknown> = {};
  /** The latest clock reading taken in this pass. */
  now = 0;

  constructor(host: PassHost, entries: readonly Entry[], item: Dispatchable, id: string, chat?: string) {
    this.host = host;
    this.entries = entries;
    this.item = item;
    this.id = id;
    this.chat = chat;
    this.tracked = host.tracking;
  }

  /**
   * Runs the active plugins from `index` on. Returns the first one's run when
   * it is still in progress (it tells `parent` when it completes), undefined
   * when everything finished synchronously. `now` is the caller's clock reading.
   */
  from(index: number, parent: Run | undefined, now: number): Run | undefined {
    const { entries } = this;
    for (let i = index; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.state !== 'active') continue;
      if (this.chat !== undefined && this.host.stalls?.skips(entry, this.chat) === true) continue;
      if (this.chat !== undefined && this.host.switches?.skips(entry.plugin.name, this.chat) === true) continue;
      const run = new Run(this, entry, i, parent);
      const outer = enterSync(this.id);
      try {
        return run.start(now) ? undefined : run;
      } finally {
        leaveSync(outer);
      }
    }
    return undefined;
  }

  /** Runs the pass: returns its promise, undefined when it finished synchronously. */
  start(): Promise<void> | undefined {
    return this.tracked ? currentCause.run(this.id, startPass, this) : startPass(this);
  }
}

/** Entry point for `AsyncLocalStorage.run`, which passes arguments through (no closure per dispatch). */
function startPass(pass: Pass): Promise<void> | undefined {
  const now = performance.now();
  pass.now = now;
  return pass.from(0, undefined, now)?.promise();
}

/** The handler's phase. */
const RUNNING = 0;
const SETTLED = 1;
const TIMED_OUT = 2;
/** Downstream (the plugins after this one). */
const NOT_STARTED = 0;
const IN_PROGRESS = 1;
const FINISHED = 2;

/**
 * One plugin handling one event, with its isolation: a throw or rejection is
 * that plugin's failure and the event moves on; so does a handler exceeding
 * its budget, where time spent inside `next()` is not counted. The run is
 * complete when its handler has settled (or timed out) and downstream, if
 * started, has completed.
 */
export class Run implements Watched {
  deadline = Infinity;
  watchSlot = -1;
  readonly #pass: Pass;
  readonly #entry: Entry;

  get pass(): Pass {
    return this.#pass;
  }
  get scope(): PluginScope {
    return this.#entry.scope;
  }
  readonly #index: number;
  readonly #parent: Run | undefined;
  #phase = RUNNING;
  #down = NOT_STARTED;
  #child: Run | undefined = undefined;
  /** What `next()` returned: a handler returning exactly that is done once downstream is. */
  #nextPromise: Promise<void> | undefined = undefined;
  /** start() has returned without completing: the parent waits to be told. */
  #pending = false;
  #complete = false;
  #done: Promise<void> | undefined = undefined;
  #resolve: (() => void) | undefined = undefined;
  #watched = false;
  #startedAt = 0;
  /** Time spent inside `next()` so far, and when the current stay began (-1: not inside). */
  #pausedFor = 0;
  #pausedAt = -1;

  constructor(pass: Pass, entry: Entry, index: number, parent: Run | undefined) {
    this.#pass = pass;
    this.#entry = entry;
    this.#index = index;
    this.#parent = parent;
  }

  /** Calls the handler; true when the run completed synchronously. */
  start(now: number): boolean {
    const pass = this.#pass;
    const entry = this.#entry;
    this.#startedAt = now;
    const context = createEventContext(pass.item, entry.scope, entry.plugin.name, pass.state);
    let result: unknown;
    try {
      result = entry.middleware(context, this.#next);
    } catch (error) {
      this.#failed(error);
      return this.#started();
    }
    if (!isThenable(result) || result === RESOLVED || result === this.#nextPromise) this.#finished();
    else this.#await(result);
    return this.#started();
  }

  #started(): boolean {
    if (this.#complete) return true;
    this.#pending = true;
    return false;
  }

  /** Settles when the run completes. */
  promise(): Promise<void> {
    if (this.#complete) return RESOLVED;
    if (this.#done !== undefined) return this.#done;
    // Only downstream is left, so this run completes exactly when its child does.
    if (this.#phase !== RUNNING && this.#down === IN_PROGRESS) return this.#child!.promise();
    return (this.#done = new Promise<void>((resolve) => {
      this.#resolve = resolve;
    }));
  }

  readonly #next: NextFunction = () => {
    if (this.#phase !== RUNNING) {
      const name = this.#entry.plugin.name;
      return Promise.reject(
        new Error(
          `plugin "${name}" called next() after its handler ${this.#phase === TIMED_OUT ? 'timed out' : 'finished'}`,
        ),
      );
    }
    if (this.#down !== NOT_STARTED) {
      return Promise.reject(new Error(`plugin "${this.#entry.plugin.name}" called next() twice`));
    }
    const pass = this.#pass;
    // Clock reads cost ~0.1 µs on VMs, as much as a plugin's whole turn. An unwatched run is still inside its
    // synchronous start, whose stack holds the pass's latest reading: use that. The error is synchronous CPU
    // time since that reading (microseconds; the old code measured whole milliseconds).
    const now = this.#watched ? performance.now() : pass.now;
    pass.now = now;
    this.#pausedAt = now;
    this.deadline = Infinity;
    this.#down = IN_PROGRESS;
    const child = pass.from(this.#index + 1, this, now);
    if (child === undefined) {
      this.#down = FINISHED;
      // Downstream finished synchronously: the latest reading stands in for a fresh one, as above.
      this.#resume(pass.now);
      return RESOLVED;
    }
    this.#child = child;
    return (this.#nextPromise = child.promise());
  };

  /** Called by the child run when downstream completes (only if it did not complete synchronously). */
  #childDone(): void {
    this.#down = FINISHED;
    if (this.#phase === RUNNING && this.#pausedAt >= 0) this.#resume((this.#pass.now = performance.now()));
    else this.#pausedAt = -1;
    this.#checkComplete();
  }

  /** Leaves `next()` at `now` (unused unless the handler is still running). */
  #resume(now: number): void {
    if (this.#pausedAt < 0) return;
    if (this.#phase === RUNNING) {
      this.#pausedFor += now - this.#pausedAt;
      this.#pausedAt = -1;
      if (this.#watched) {
        this.deadline = this.#deadline();
        this.#pass.host.watch.moved(this);
      }
    } else {
      this.#pausedAt = -1;
    }
  }

  #deadline(): number {
    if (this.#pausedAt >= 0) return Infinity;
    return this.#startedAt + this.#pausedFor + this.#pass.host.handlerTimeoutMs;
  }

  /** The handler returned a promise: watch its budget, carry on when it settles. */
  #await(result: PromiseLike<unknown>): void {
    result.then(
      () => {
        // After a timeout the run no longer waits for its handler.
        if (this.#phase === RUNNING) this.#finished();
        else this.#unstall();
      },
      (error: unknown) => {
        if (this.#phase === RUNNING) this.#failed(error);
        else this.#lateFailure(error);
      },
    );
    // A thenable may have called back synchronously.
    if (this.#phase !== RUNNING) return;
    this.deadline = this.#deadline();
    this.#watched = true;
    this.#pass.host.watch.add(this);
  }

  #unwatch(): void {
    if (!this.#watched) return;
    this.#watched = false;
    this.#pass.host.watch.delete(this);
  }

  #finished(): void {
    this.#phase = SETTLED;
    this.#unwatch();
    this.#checkComplete();
  }

  #failed(error: unknown): void {
    const pass = this.#pass;
    this.#phase = SETTLED;
    this.#unwatch();
    pass.host.fail(this.#entry, error, 'failed handling an event', pass.id);
    this.passOn();
    this.#checkComplete();
  }

  /** A timed-out handler settled: its plugin is no longer stalled in this chat. */
  #unstall(): void {
    const chat = this.#pass.chat;
    if (chat !== undefined) this.#pass.host.stalls?.clear(this.#entry, chat);
  }

  #lateFailure(error: unknown): void {
    this.#unstall();
    const entry = this.#entry;
    entry.scope.logger.warn(
      { ...errorFields(error), messageId: this.#pass.id },
      `plugin "${entry.plugin.name}": a timed-out handler failed later`,
    );
  }

  /** A plugin that failed or timed out before passing the event on does not swallow it. */
  passOn(): void {
    if (this.#down !== NOT_STARTED) return;
    this.#down = IN_PROGRESS;
    const pass = this.#pass;
    const child = pass.from(this.#index + 1, this, (pass.now = performance.now()));
    if (child === undefined) this.#down = FINISHED;
    else this.#child = child;
  }

  expire(): void {
    const pass = this.#pass;
    this.#watched = false;
    this.#phase = TIMED_OUT;
    const counted = pass.host.fail(
      this.#entry,
      new HandlerTimeout(`handler did not finish within ${pass.host.handlerTimeoutMs} ms`),
      'timed out',
      pass.id,
    );
    // A handler waiting on its own queued send (held by a 1205 window) is not hung: skipping the plugin
    // in this chat would drop the chat's next messages for it, so only a real hang stalls the chat.
    if (counted && pass.chat !== undefined) pass.host.stalls?.mark(this.#entry, pass.chat);
    // The watch's timer carries whichever message armed it; downstream plugins must see this one.
    if (pass.tracked) currentCause.run(pass.id, passOn, this);
    else this.passOn();
    this.#checkComplete();
  }

  #checkComplete(): void {
    if (this.#complete || this.#phase === RUNNING || this.#down === IN_PROGRESS) return;
    this.#complete = true;
    if (!this.#pending) return; // start() is still on the stack and reports it
    this.#resolve?.();
    const parent = this.#parent;
    if (parent !== undefined) parent.#childDone();
  }
}

/** For `currentCause.run`, which passes arguments through (no closure). */
function passOn(run: Run): void {
  run.passOn();
}
