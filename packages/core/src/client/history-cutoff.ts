import type { RawMessage } from '../wire/types.js';

/** Default `historyCutoffSeconds`: messages older than a minute before a fresh login are history. */
export const DEFAULT_HISTORY_CUTOFF_SECONDS = 60;

/**
 * The history filter of a fresh login. Right after a QR login with no saved
 * SyncKey the server hands over what arrived while the account was offline,
 * possibly hours old; answering it now surprises people. Messages created
 * before `login time - cutoff` are marked handled without reaching the
 * handler. CreateTime is the server's clock, so the cutoff also absorbs
 * clock skew between server and bot.
 */
export class HistoryCutoff {
  /** Unix seconds; entries created before it are history. Undefined: nothing is. */
  #before: number | undefined;

  /** `false`: hand all history over. */
  constructor(private readonly cutoffSeconds: number | false) {}

  /** A fresh login at `nowMs` (no cursor was kept): from now on older entries are history. */
  freshLogin(nowMs: number): void {
    if (this.cutoffSeconds === false) return;
    this.#before = Math.floor(nowMs / 1000) - this.cutoffSeconds;
  }

  /** The entries to hand over and those that are history (entries without a CreateTime are handed over). */
  split<T extends { readonly raw: RawMessage }>(entries: readonly T[]): { deliver: T[]; history: T[] } {
    const before = this.#before;
    if (before === undefined) return { deliver: [...entries], history: [] };
    const deliver: T[] = [];
    const history: T[] = [];
    for (const e of entries) {
      // Typed a number, but the wire is untrusted: a string or nothing is handed over unjudged.
      const t: unknown = e.raw.CreateTime;
      if (typeof t === 'number' && Number.isFinite(t) && t > 0 && t < before) history.push(e);
      else deliver.push(e);
    }
    return { deliver, history };
  }
}
