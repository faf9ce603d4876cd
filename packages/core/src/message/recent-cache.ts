import type { Message } from './types.js';

/**
 * Bounded cache of recent messages, so a recall can name what was recalled.
 * A Map keeps insertion order, which makes eviction of the oldest entry O(1).
 */
export class RecentMessageCache {
  readonly #limit: number;
  readonly #byId = new Map<string, Message>();
  /** Secondary ids (a lossless NewMsgId string) → primary id. */
  readonly #aliases = new Map<string, string>();

  constructor(limit = 1000) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`RecentMessageCache: limit must be a positive integer, got ${String(limit)}`);
    }
    this.#limit = limit;
  }

  get limit(): number {
    return this.#limit;
  }

  get size(): number {
    return this.#byId.size;
  }

  add(message: Message): void {
    const id = message.id;
    if (id === '') return;
    // Re-adding moves the entry to the young end.
    this.#byId.delete(id);
    this.#byId.set(id, message);
    const alias = losslessNewMsgId(message);
    if (alias !== undefined && alias !== id) this.#aliases.set(alias, id);
    while (this.#byId.size > this.#limit) {
      const oldest = this.#byId.keys().next();
      if (oldest.done === true) break;
      const evicted = this.#byId.get(oldest.value);
      this.#byId.delete(oldest.value);
      // Usually NewMsgId equals MsgId and no alias was ever stored.
      if (this.#aliases.size === 0) continue;
      const evictedAlias = evicted !== undefined ? losslessNewMsgId(evicted) : undefined;
      if (evictedAlias !== undefined && this.#aliases.get(evictedAlias) === oldest.value) {
        this.#aliases.delete(evictedAlias);
      }
    }
  }

  /** By MsgId, or by a lossless NewMsgId string. */
  get(id: string): Message | undefined {
    const direct = this.#byId.get(id);
    if (direct !== undefined) return direct;
    const primary = this.#aliases.get(id);
    return primary !== undefined ? this.#byId.get(primary) : undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  clear(): void {
    this.#byId.clear();
    this.#aliases.clear();
  }
}

function losslessNewMsgId(message: Message): string | undefined {
  const raw: unknown = (message.raw as { NewMsgId?: unknown } | undefined)?.NewMsgId;
  // A number has already lost precision above 2^53; only a string of 1-25 digits is trustworthy.
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 25) return undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return raw;
}
