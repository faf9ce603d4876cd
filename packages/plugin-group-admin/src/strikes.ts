import type { KeyValueStore } from '@wxbot/core';

export const STRIKES_KEY = 'strikes';

/** Strikes per room key and member key. */
export type StrikeTable = Record<string, Record<string, { count: number; name: string }>>;

/**
 * Warning counts kept in plugin storage, so a restart does not forgive
 * anyone. Keys are stable ids when known (never names, which a member could
 * copy to pass their strikes to someone else); writes are chained so none is lost.
 */
export class StrikeBook {
  readonly #storage: KeyValueStore;
  #table: StrikeTable = {};
  #writes: Promise<void> = Promise.resolve();

  constructor(storage: KeyValueStore) {
    this.#storage = storage;
  }

  async load(): Promise<void> {
    this.#table = (await this.#storage.get<StrikeTable>(STRIKES_KEY)) ?? {};
  }

  count(room: string, member: string): number {
    return this.#table[room]?.[member]?.count ?? 0;
  }

  /** Adds a strike; resolves the new count once it is stored. */
  async add(room: string, member: string, name: string): Promise<number> {
    const entries = (this.#table[room] ??= {});
    const count = (entries[member]?.count ?? 0) + 1;
    entries[member] = { count, name };
    await this.#save();
    return count;
  }

  async clear(room: string, member: string): Promise<void> {
    const entries = this.#table[room];
    if (entries?.[member] === undefined) return;
    this.#table[room] = Object.fromEntries(Object.entries(entries).filter(([key]) => key !== member));
    await this.#save();
  }

  #save(): Promise<void> {
    const snapshot = structuredClone(this.#table);
    const write = this.#writes.then(() => this.#storage.set(STRIKES_KEY, snapshot));
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
