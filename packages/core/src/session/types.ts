import type { RawContact, SyncKey } from '../protocol/wire.js';

/** Full origins (scheme://host[:port]) of the four Web WeChat services one session talks to. */
export interface Hosts {
  /** jslogin, the login poll and qrcode (`https://login.wx.qq.com`). */
  readonly login: string;
  /** The main API (`https://wx2.qq.com`): init, sync, send... */
  readonly main: string;
  /** Uploads and file downloads (`https://file.wx2.qq.com`). */
  readonly file: string;
  /** The synccheck long poll (`https://webpush.wx2.qq.com`). */
  readonly push: string;
}

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
 * Durable key → JSON document store for one or more accounts. The client keeps
 * several documents per account (`<account>/session`, `/inbox`, `/outbox`,
 * `/identity`); `set` must be durable when its promise resolves (the inbox
 * relies on it) and must replace the whole document atomically.
 */
export interface SessionStore {
  /** The stored document, or undefined when none. */
  get(key: string): Promise<unknown>;
  /** Replaces the document atomically and durably. */
  set(key: string, value: unknown): Promise<void>;
  /** Removes the document; no error when missing. */
  delete(key: string): Promise<void>;
}
