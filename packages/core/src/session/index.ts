export type { Hosts, PersistedSession, SessionStore } from './types.js';
export { FileSessionStore, MemorySessionStore } from './file-store.js';
