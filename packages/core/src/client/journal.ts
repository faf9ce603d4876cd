import type { SessionLog, SessionStore } from '../session/types.js';

/**
 * Serialises writes of one store document: `save()` resolves once a write
 * containing the state at call time is durable. Concurrent calls coalesce
 * into at most one extra write.
 */
export class DocWriter {
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly key: string,
    private readonly snapshot: () => unknown,
  ) {}

  save(): Promise<void> {
    if (!this.writing) {
      this.writing = this.write().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    if (!this.queued) {
      const after = this.writing.catch(() => undefined);
      this.queued = after.then(() => {
        this.queued = undefined;
        return this.save();
      });
    }
    return this.queued;
  }

  private async write(): Promise<void> {
    await this.store.set(this.key, this.snapshot());
  }
}

/** What a journal needs from the state it records. */
export interface JournalModel<R> {
  /** The whole state as one document (folding the log, or stores without a log). */
  snapshot(): unknown;
  /**
   * Rebuilds the state from the document (if any) and then the log records
   * in order. A record may already be reflected in the document (a crash
   * between folding and clearing the log), so applying it must be harmless.
   */
  restore(doc: unknown, records: readonly R[]): void;
}

export interface JournalOptions {
  /** Fold the log into the document after this many records. Default 4,000. */
  foldEvery?: number;
  /** Failures nobody awaits (a periodic fold); they are retried, but should be seen. */
  onError?: (err: unknown) => void;
  /**
   * How long a noted record may wait for a batch to ride with before it is written on its own, in ms.
   * Default {@link NOTE_WINDOW_MS}; 0 writes it at the end of the event-loop turn.
   */
  noteWindowMs?: number;
}

/**
 * Default `noteWindowMs`. In a burst the done marks of 100 replies (and of their echoes) come one or two
 * per event-loop turn: at the end of each turn they cost an append each (~1.3 per message, measured);
 * held this long they share a handful, or ride with the next sync's accepted entries. Nobody waits for
 * a note, and a crash in the window costs what losing a note always cost (decision 0021).
 */
export const NOTE_WINDOW_MS = 20;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers that don't wait (done marks) must not cause unhandled rejections.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * A write-ahead journal over a store document. Callers change the in-memory
 * state first, then `write()` a small record of the change; records written
 * in the same turn go to the store's log in one append (group commit), so
 * the cost per event is O(1) however large the state is. Every `foldEvery`
 * records the state is saved as the document and the log emptied. With a
 * store that has no log, each batch rewrites the document instead.
 */
export class Journal<R> {
  private readonly log: SessionLog | undefined;
  private readonly foldEvery: number;
  private chain: Promise<void> = Promise.resolve();
  private buffer: R[] = [];
  private batch: Deferred | undefined;
  private syncing: Deferred | undefined;
  /** The delayed flush of noted (or joinable) records, when one is scheduled. */
  private lazy: { readonly soon: boolean; cancel(): void } | undefined;
  private readonly noteWindowMs: number;
  private sinceFold = 0;
  /**
   * An append failed: the log may end in a partial line, and records the
   * state holds may be missing from it. Until a fold succeeds, every batch
   * and every durable() folds instead of appending.
   */
  private dirty = false;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly store: SessionStore,
    private readonly key: string,
    private readonly model: JournalModel<R>,
    opts: JournalOptions = {},
  ) {
    this.log = store.log;
    this.foldEvery = opts.foldEvery ?? 4000;
    this.onError = opts.onError ?? (() => undefined);
    this.noteWindowMs = opts.noteWindowMs ?? NOTE_WINDOW_MS;
  }

  /**
   * Reads the document and the log into the model, then folds: the log may
   * end in a line torn by a crash, which the next append must not extend.
   */
  async load(): Promise<void> {
    const doc = await this.store.get(this.key);
    const records = this.log ? ((await this.log.read(this.key)) as R[]) : [];
    this.model.restore(doc, records);
    if (this.log) await this.fold();
  }

  /**
   * Records a change already made to the state. Resolves once it would
   * survive a crash of this process (`durable()` for a machine crash).
   */
  write(record: R): Promise<void> {
    this.buffer.push(record);
    return this.startBatch().promise;
  }

  /**
   * Records a change nobody waits for (an entry handled, a send answered): it
   * rides with the next batch, or goes on its own after `noteWindowMs` when
   * none comes. In a burst, the marks of the replies answered within the
   * window share one write instead of one each. A crash in between loses only
   * what write-and-forget callers already accept (the entry is handled, or
   * the send replayed with its ClientMsgId, again). Resolves or rejects like
   * `write()`; `durable()`, `fold()` and `close()` send it at once.
   */
  note(record: R): Promise<void> {
    this.buffer.push(record);
    if (this.batch) return this.batch.promise;
    const d = this.lazyBatch();
    this.defer(d, false);
    return d.promise;
  }

  /**
   * Records a change like `write()` (resolves once it would survive a crash of the process), but its
   * append waits until the microtasks now queued have run: a `write()` made meanwhile joins it. A send's
   * journal entry and, when the send goes out at once, its attempt mark become one append instead of two.
   * The append is never later than the end of the current drain of microtasks, before any I/O callback,
   * timer or immediate runs, so nothing written to another journal afterwards can land before it.
   */
  writeJoinable(record: R): Promise<void> {
    this.buffer.push(record);
    if (this.batch) {
      // A noted batch waiting for its window goes with this record, as soon as this one would.
      if (this.lazy?.soon === false) {
        this.lazy.cancel();
        this.defer(this.batch, true);
      }
      return this.batch.promise;
    }
    const d = this.lazyBatch();
    this.defer(d, true);
    return d.promise;
  }

  private lazyBatch(): Deferred {
    const d = deferred();
    this.batch = d;
    this.syncing = undefined;
    return d;
  }

  /**
   * Schedules the flush of batch `d` (until then `write()` takes it along): `soon`, after the microtasks
   * queued now (a microtask that queues a tick: ticks run once the microtask queue is empty); otherwise
   * after the note window.
   */
  private defer(d: Deferred, soon: boolean): void {
    const lazy = { soon, cancel: (): void => undefined };
    const go = (): void => {
      if (this.lazy !== lazy) return; // cancelled: a write() took the batch
      this.lazy = undefined;
      this.enqueue(() => this.flush(d));
    };
    if (soon) {
      queueMicrotask(() => {
        process.nextTick(go);
      });
    } else if (this.noteWindowMs > 0) {
      const timer = setTimeout(go, this.noteWindowMs);
      lazy.cancel = () => {
        clearTimeout(timer);
      };
    } else {
      const immediate = setImmediate(go);
      lazy.cancel = () => {
        clearImmediate(immediate);
      };
    }
    this.lazy = lazy;
  }

  /** The current batch, queued to flush now (a noted batch waiting for the end of the turn goes now). */
  private startBatch(): Deferred {
    if (this.lazy) {
      this.lazy.cancel();
      this.lazy = undefined;
      const d = this.batch!;
      this.enqueue(() => this.flush(d));
      return d;
    }
    if (!this.batch) {
      const d = deferred();
      this.batch = d;
      // A later durable() must sync after this batch, not before it.
      this.syncing = undefined;
      this.enqueue(() => this.flush(d));
    }
    return this.batch;
  }

  /** Resolves once everything written so far would survive a machine crash. */
  durable(): Promise<void> {
    if (this.lazy) this.startBatch();
    if (!this.syncing) {
      const d = deferred();
      this.syncing = d;
      this.enqueue(async () => {
        if (this.syncing === d) this.syncing = undefined;
        try {
          if (this.dirty) await this.foldNow();
          else await this.log?.sync(this.key);
          d.resolve();
        } catch (err) {
          d.reject(err);
        }
      });
    }
    return this.syncing.promise;
  }

  /** Saves the state as the document and empties the log (also on stop). */
  fold(): Promise<void> {
    if (this.lazy) this.startBatch();
    const d = deferred();
    this.enqueue(async () => {
      try {
        await this.foldNow();
        d.resolve();
      } catch (err) {
        d.reject(err);
      }
    });
    return d.promise;
  }

  /** Folds, then releases the log's file handle. */
  async close(): Promise<void> {
    await this.fold();
    await this.log?.close(this.key);
  }

  /**
   * Releases the log's file handle without folding, as the OS does when the
   * process dies: writes already handed to the OS stay, nothing more is done.
   */
  release(): Promise<void> {
    // As a crash would: noted records not yet handed to the OS are gone (their promises never settle).
    if (this.lazy) {
      this.lazy.cancel();
      this.lazy = undefined;
      this.batch = undefined;
      this.buffer = [];
    }
    const d = deferred();
    this.enqueue(async () => {
      await this.log?.close(this.key);
      d.resolve();
    });
    return d.promise;
  }

  private enqueue(op: () => Promise<void>): void {
    this.chain = this.chain.then(op, op);
  }

  private async flush(d: Deferred): Promise<void> {
    const records = this.buffer;
    this.buffer = [];
    if (this.batch === d) this.batch = undefined;
    try {
      if (!this.log || this.dirty) {
        await this.foldNow();
      } else {
        try {
          await this.log.append(this.key, records);
        } catch (err) {
          this.dirty = true;
          throw err;
        }
        this.sinceFold += records.length;
      }
      d.resolve();
    } catch (err) {
      d.reject(err);
      return;
    }
    if (this.log && this.sinceFold >= this.foldEvery) await this.foldNow().catch(this.onError);
  }

  private async foldNow(): Promise<void> {
    // Records still buffered are in the snapshot too and are appended after the clear: replaying them is harmless.
    await this.store.set(this.key, this.model.snapshot());
    if (this.log) await this.log.clear(this.key);
    this.sinceFold = 0;
    this.dirty = false;
  }
}

/** An insertion-ordered set that forgets its oldest entries beyond `limit`. */
export class BoundedSet {
  private readonly set = new Set<string>();
  /**
   * Insertion order, oldest first from `head`: evicting reads the oldest here instead of asking the Set
   * for an iterator (an iterator and a result object per add once the set is full, i.e. on every add of a
   * long-running bot).
   */
  private order: string[] = [];
  private head = 0;
  constructor(private readonly limit: number) {}

  has(v: string): boolean {
    return this.set.has(v);
  }

  add(v: string): void {
    if (this.set.has(v)) return;
    this.set.add(v);
    this.order.push(v);
    while (this.set.size > this.limit) this.set.delete(this.order[this.head++]!);
    // Drop the evicted prefix now and then, so the array stays within twice the limit.
    if (this.head > this.limit) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  toArray(): string[] {
    return this.order.slice(this.head);
  }

  get size(): number {
    return this.set.size;
  }
}
