import type { RawContact } from '../wire/types.js';
import { sleep } from '../util/backoff.js';

/**
 * Coalesces batchgetcontact lookups: names requested within `delayMs` go out
 * together, ≤ 50 per call, at most one call per `gapMs`. A failed batch
 * resolves its waiters anyway (callers must not hang on a lookup) and
 * reports the error.
 */
export class ContactFetcher {
  private queue = new Set<string>();
  private waiters = new Map<string, Array<() => void>>();
  private running: Promise<void> | undefined;
  private lastCall = 0;

  constructor(
    private readonly fetchBatch: (names: string[]) => Promise<RawContact[]>,
    private readonly apply: (contacts: RawContact[]) => void,
    private readonly onError: (err: Error) => void,
    private readonly opts: { delayMs: number; gapMs: number; batch: number; signal: AbortSignal },
  ) {}

  /**
   * Resolves once every name was looked up (found or not). `immediate`: the caller hands over every name
   * it has at once (the rooms after webwxinit), so waiting `delayMs` for more would only delay the start
   * (~50 ms of an otherwise CPU-bound cold start); the gap between calls still holds.
   */
  request(names: Iterable<string>, options?: { immediate?: boolean }): Promise<void> {
    const ps: Array<Promise<void>> = [];
    for (const n of names) {
      if (!n) continue;
      this.queue.add(n);
      ps.push(new Promise<void>((r) => this.waiters.set(n, [...(this.waiters.get(n) ?? []), r])));
    }
    if (ps.length === 0) return Promise.resolve();
    this.running ??= this.run(options?.immediate === true).finally(() => {
      this.running = undefined;
      if (this.queue.size > 0) void this.request([]);
    });
    return Promise.all(ps).then(() => undefined);
  }

  private async run(immediate: boolean): Promise<void> {
    if (!immediate) await sleep(this.opts.delayMs, this.opts.signal);
    while (this.queue.size > 0) {
      const names = [...this.queue].slice(0, this.opts.batch);
      for (const n of names) this.queue.delete(n);
      const wait = this.lastCall + this.opts.gapMs - Date.now();
      if (wait > 0) await sleep(wait, this.opts.signal);
      this.lastCall = Date.now();
      try {
        if (!this.opts.signal.aborted) this.apply(await this.fetchBatch(names));
      } catch (err) {
        this.onError(err instanceof Error ? err : new Error(String(err)));
      }
      for (const n of names) {
        const ws = this.waiters.get(n) ?? [];
        this.waiters.delete(n);
        for (const w of ws) w();
      }
    }
  }
}
