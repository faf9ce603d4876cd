export type { Hosts, PersistedSession, SessionLog, SessionStore } from './types.js';
export { FileSessionStore, MemorySessionStore } from './file-store.js';
