export type { Hosts, PersistedSession, SessionStore } from './types.js';
