import type { KeyValueStore } from '@wxbot/core';

/** What happened to one friend request. */
export interface FriendRequestRecord {
  /** Epoch ms of the decision (for `accepted`/`failed`: when the accept was carried out). */
  readonly at: number;
  readonly decision: 'accepted' | 'declined' | 'failed';
  /** Why: `accepted`, `blocked`, `blocked keyword "..."`, `verify text did not match`, `daily cap (20) reached`, ... */
  readonly reason: string;
  /** Stable id (`wxid_...`) when the request carried one. */
  readonly stableId: string | undefined;
  /** Session UserName at the time (changes at each login). */
  readonly userName: string;
  readonly nickName: string;
  readonly verifyText: string;
  /** Follow-ups (welcome, remark, rooms) that failed after an accept. */
  readonly problems?: readonly string[];
}

export const HISTORY_KEY = 'history';
export const DAILY_KEY = 'daily';

/** Accepts counted for one local day. */
export interface DailyCount {
  readonly day: string;
  readonly accepted: number;
}

/** The records kept by the plugin, oldest first (read them with the plugin's storage namespace). */
export async function readHistory(storage: KeyValueStore): Promise<FriendRequestRecord[]> {
  return (await storage.get<FriendRequestRecord[]>(HISTORY_KEY)) ?? [];
}

/** Local calendar day `YYYY-MM-DD`. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Keeps the history and the daily count in storage. Writes are chained so
 * records from concurrent requests are never lost to read-modify-write races.
 */
export class RequestLedger {
  readonly #storage: KeyValueStore;
  readonly #limit: number;
  #history: FriendRequestRecord[] = [];
  #daily: DailyCount = { day: '', accepted: 0 };
  #writes: Promise<void> = Promise.resolve();

  constructor(storage: KeyValueStore, limit: number) {
    this.#storage = storage;
    this.#limit = limit;
  }

  async load(): Promise<void> {
    this.#history = await readHistory(this.#storage);
    this.#daily = (await this.#storage.get<DailyCount>(DAILY_KEY)) ?? { day: '', accepted: 0 };
  }

  acceptedOn(day: string): number {
    return this.#daily.day === day ? this.#daily.accepted : 0;
  }

  /** True when an accept (or a failed one) of this person (by stable id when known) was recorded at or after `since`. */
  outcomeRecordedSince(stableId: string | undefined, userName: string, since: number): boolean {
    return this.#history.some(
      (r) =>
        r.at >= since &&
        r.decision !== 'declined' &&
        (stableId !== undefined ? r.stableId === stableId : r.userName === userName),
    );
  }

  record(entry: FriendRequestRecord, day: string): Promise<void> {
    this.#history.push(entry);
    if (this.#history.length > this.#limit) this.#history.splice(0, this.#history.length - this.#limit);
    if (entry.decision === 'accepted') this.#daily = { day, accepted: this.acceptedOn(day) + 1 };
    const history = [...this.#history];
    const daily = this.#daily;
    const write = this.#writes.then(async () => {
      await this.#storage.set(HISTORY_KEY, history);
      await this.#storage.set(DAILY_KEY, daily);
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
