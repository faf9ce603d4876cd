import type { Hosts } from '../wire/hosts.js';
import type { RawContact, SyncKey } from '../wire/types.js';

// Hosts is a wire notion (which origin serves which endpoint); it lives in wire/hosts.ts.
export type { Hosts } from '../wire/hosts.js';

/** Everything needed to resume a session without scanning again. Persisted; never logged. */
export interface PersistedSession {
  readonly version: 1;
  readonly uin: number;
  readonly sid: string;
  readonly skey: string;
  readonly deviceId: string;
  readonly passTicket: string;
  readonly hosts: Hosts;
  /** tough-cookie `CookieJar.toJSON()` output. */
  readonly cookies: unknown;
  readonly syncKey: SyncKey;
  readonly syncCheckKey?: SyncKey;
  /** The logged-in account as webwxinit last described it. */
  readonly self?: RawContact;
  /** Epoch ms. */
  readonly savedAt: number;
}

/**
 * An append-only log beside each document of a store. The inbox and outbox
 * journals append one small record per event here instead of rewriting
 * their whole document, and fold the log back into the document now and
 * then (`set` then `clear`; replaying a record twice must be harmless).
 */
export interface SessionLog {
  /**
   * Appends records (JSON values) in order. Resolves once they would survive
   * a crash of this process (e.g. written to the OS), not necessarily a
   * crash of the machine: that is what `sync` is for.
   */
  append(key: string, records: readonly unknown[]): Promise<void>;
  /** Resolves once every record appended so far would survive a machine crash. */
  sync(key: string): Promise<void>;
  /** Every record in order; a torn last record (crash mid-write) is skipped. */
  read(key: string): Promise<unknown[]>;
  /** Empties the log (its records were folded into the document). */
  clear(key: string): Promise<void>;
  /** Releases what the log holds open (file handles); it reopens on the next append. */
  close(key: string): Promise<void>;
}

/**
 * Durable key → JSON document store for one or more accounts. The client keeps
 * several documents per account (`<account>/session`, `/inbox`, `/outbox`,
 * `/identity`); `set` must be durable when its promise resolves (the inbox
 * relies on it) and must replace the whole document atomically.
 *
 * A store may also offer `log` (append-only records per key). Without it the
 * journals rewrite their whole document per batch of changes: correct, but
 * slower under load.
 */
export interface SessionStore {
  /** The stored document, or undefined when none. */
  get(key: string): Promise<unknown>;
  /** Replaces the document atomically and durably. */
  set(key: string, value: unknown): Promise<void>;
  /** Removes the document (and its log); no error when missing. */
  delete(key: string): Promise<void>;
  /** Optional append-only log per key (see `SessionLog`). */
  readonly log?: SessionLog;
}
