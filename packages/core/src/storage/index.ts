export type { KeyValueStore, StorageDriver } from './types.js';
export { createJsonFileStorage, namespaceFileName } from './json-file.js';
export { createMemoryStorage } from './memory.js';
