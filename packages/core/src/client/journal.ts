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
}

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
  /** The end-of-turn flush of noted records, when one is scheduled. */
  private lazy: NodeJS.Immediate | undefined;
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
   * rides with the next batch, or goes at the end of this event-loop turn
   * (setImmediate) when none comes. In a burst, the marks of the replies
   * answered in one turn share one write instead of one each. A crash in
   * between loses only what write-and-forget callers already accept (the
   * entry is handled, or the send replayed with its ClientMsgId, again).
   * Resolves or rejects like `write()`; `durable()`, `fold()` and `close()`
   * send it at once.
   */
  note(record: R): Promise<void> {
    this.buffer.push(record);
    if (this.batch) return this.batch.promise;
    const d = deferred();
    this.batch = d;
    this.syncing = undefined;
    this.lazy = setImmediate(() => {
      this.lazy = undefined;
      this.enqueue(() => this.flush(d));
    });
    return d.promise;
  }

  /** The current batch, queued to flush now (a noted batch waiting for the end of the turn goes now). */
  private startBatch(): Deferred {
    if (this.lazy) {
      clearImmediate(this.lazy);
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
      clearImmediate(this.lazy);
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
  constructor(private readonly limit: number) {}

  has(v: string): boolean {
    return this.set.has(v);
  }

  add(v: string): void {
    if (this.set.has(v)) return;
    this.set.add(v);
    while (this.set.size > this.limit) {
      const first = this.set.values().next().value;
      if (first === undefined) break;
      this.set.delete(first);
    }
  }

  toArray(): string[] {
    return [...this.set];
  }

  get size(): number {
    return this.set.size;
  }
}
