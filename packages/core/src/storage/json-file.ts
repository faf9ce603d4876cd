import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from '../util/atomic-write.js';
import type { KeyValueStore, StorageDriver } from './types.js';

/** File name for a namespace: plugin names hold `@` and `/`, which must not become directories. */
export function namespaceFileName(name: string): string {
  if (name.length === 0) throw new TypeError('storage: namespace name is empty');
  return `${encodeURIComponent(name).replace(/\./g, '%2E')}.json`;
}

class JsonFileStore implements KeyValueStore {
  readonly #file: string;
  #data: Map<string, unknown> | undefined;
  #loading: Promise<Map<string, unknown>> | undefined;
  /** Writes are chained so two quick `set`s never race their renames. */
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  async #load(): Promise<Map<string, unknown>> {
    if (this.#data !== undefined) return this.#data;
    this.#loading ??= (async () => {
      let text: string;
      try {
        text = await readFile(this.#file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map<string, unknown>();
        throw error;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new Error(`storage: ${this.#file} is not valid JSON (${(error as Error).message})`, { cause: error });
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error(`storage: ${this.#file} must hold a JSON object`);
      }
      return new Map(Object.entries(parsed));
    })();
    this.#data = await this.#loading;
    return this.#data;
  }

  #persist(data: Map<string, unknown>): Promise<void> {
    const text = `${JSON.stringify(Object.fromEntries(data), null, 2)}\n`;
    const write = this.#writing.then(() => writeFileAtomic(this.#file, text));
    // A failed write must not poison the chain for later writes; the caller still sees it.
    this.#writing = write.catch(() => undefined);
    return write;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const value = (await this.#load()).get(key);
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as T);
  }
  async set(key: string, value: unknown): Promise<void> {
    if (value === undefined) throw new TypeError(`storage: value for "${key}" is undefined; use delete()`);
    const data = await this.#load();
    data.set(key, JSON.parse(JSON.stringify(value)) as unknown);
    await this.#persist(data);
  }
  async has(key: string): Promise<boolean> {
    return (await this.#load()).has(key);
  }
  async delete(key: string): Promise<boolean> {
    const data = await this.#load();
    if (!data.delete(key)) return false;
    await this.#persist(data);
    return true;
  }
  async keys(): Promise<string[]> {
    return [...(await this.#load()).keys()];
  }
  async clear(): Promise<void> {
    const data = await this.#load();
    data.clear();
    await this.#persist(data);
  }
  async flush(): Promise<void> {
    await this.#writing;
  }
}

/**
 * The default store: one JSON file per namespace under `dir`, rewritten
 * atomically (temp file + rename, mode 0600) on every change.
 */
export function createJsonFileStorage(options: { dir: string }): StorageDriver {
  const stores = new Map<string, JsonFileStore>();
  return {
    namespace(name) {
      let store = stores.get(name);
      if (store === undefined) {
        store = new JsonFileStore(join(options.dir, namespaceFileName(name)));
        stores.set(name, store);
      }
      return store;
    },
    async close() {
      await Promise.all([...stores.values()].map((store) => store.flush()));
    },
  };
}
