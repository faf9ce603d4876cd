import type { KeyValueStore, StorageDriver } from './types.js';

function copy<T>(value: T): T {
  // JSON round-trip, like the file store: what a test sees is what would persist.
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

class MemoryStore implements KeyValueStore {
  readonly #data = new Map<string, unknown>();

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return copy(this.#data.get(key)) as T | undefined;
  }
  async set(key: string, value: unknown): Promise<void> {
    if (value === undefined) throw new TypeError(`storage: value for "${key}" is undefined; use delete()`);
    this.#data.set(key, copy(value));
  }
  async has(key: string): Promise<boolean> {
    return this.#data.has(key);
  }
  async delete(key: string): Promise<boolean> {
    return this.#data.delete(key);
  }
  async keys(): Promise<string[]> {
    return [...this.#data.keys()];
  }
  async clear(): Promise<void> {
    this.#data.clear();
  }
}

/** Stores kept in memory only: for tests and throwaway bots. */
export function createMemoryStorage(): StorageDriver {
  const stores = new Map<string, MemoryStore>();
  return {
    namespace(name) {
      let store = stores.get(name);
      if (store === undefined) {
        store = new MemoryStore();
        stores.set(name, store);
      }
      return store;
    },
  };
}
