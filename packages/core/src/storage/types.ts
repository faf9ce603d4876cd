/**
 * A plugin's private key/value store. Values must be JSON-serialisable; what
 * `get` returns is a copy, so mutating it never changes the stored value.
 */
export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  has(key: string): Promise<boolean>;
  /** Resolves `true` when the key existed. */
  delete(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  clear(): Promise<void>;
}

/**
 * Where plugin stores live. Each plugin gets `namespace(pluginName)`; a custom
 * driver (Redis, SQLite, ...) implements this interface and is set as
 * `storage` in the bot config.
 */
export interface StorageDriver {
  namespace(name: string): KeyValueStore;
  /** Flush pending writes and release resources. */
  close?(): Promise<void>;
}
