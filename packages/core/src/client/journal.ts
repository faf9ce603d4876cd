import type { SessionStore } from '../session/types.js';

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
