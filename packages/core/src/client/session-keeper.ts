import type { MemoryContactStore } from '../contact/store.js';
import type { PersistedSession, SessionStore } from '../session/types.js';
import type { CredentialSlot } from './cred-slot.js';
import { isSyncKey } from './credentials.js';
import type { Http } from './http.js';
import { DocWriter } from './journal.js';

export interface SessionKeeperDeps {
  readonly store: SessionStore;
  /** The session document's key (`<account>/session`). */
  readonly key: string;
  readonly cred: CredentialSlot;
  readonly http: Pick<Http, 'jar'>;
  readonly contacts: Pick<MemoryContactStore, 'selfOrUndefined'>;
  /** Syncs the inbox and outbox journals; a checkpoint saves only a SyncKey they cover. */
  readonly durable: () => Promise<unknown>;
  /** At most one checkpoint per this many ms while messages flow. */
  readonly checkpointMs: number;
  readonly onError: (err: unknown, context: string) => void;
}

/**
 * The saved session document: read at login, saved at checkpoints, deleted
 * at logout. A checkpoint persists only a SyncKey whose messages the journals
 * already hold, so a crash never skips a message.
 */
export class SessionKeeper {
  private readonly writer: DocWriter;
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private loggedOut = false;

  constructor(private readonly d: SessionKeeperDeps) {
    this.writer = new DocWriter(d.store, d.key, () => this.doc());
  }

  /** The saved session, or undefined when there is none or it is not one this version can resume. */
  async load(): Promise<PersistedSession | undefined> {
    const doc = (await this.d.store.get(this.d.key)) as PersistedSession | undefined;
    if (!doc || doc.version !== 1 || typeof doc.sid !== 'string' || !isSyncKey(doc.syncKey) || !doc.hosts)
      return undefined;
    return doc;
  }

  /** Saves the session; concurrent calls coalesce, and each write takes the state at write time. */
  persist(): Promise<void> {
    // After logout() the session is gone on purpose: nothing may write it back.
    if (!this.d.cred.current || this.loggedOut) return Promise.resolve();
    return this.writer.save();
  }

  /** Deletes the saved session for good (a user logout): no later checkpoint writes it back. */
  async forget(): Promise<void> {
    this.loggedOut = true;
    this.cancel();
    await this.d.store.delete(this.d.key);
  }

  /** Asks for a checkpoint; several asks within `checkpointMs` make one. */
  schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.d.checkpointMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.last = Date.now();
      void this.checkpoint();
    }, wait);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Syncs both journals (the outbox's so journaled sends survive a machine crash too), then saves
   * the SyncKey that every synced inbox entry is covered by.
   */
  private async checkpoint(): Promise<void> {
    const cred = this.d.cred.current;
    if (!cred) return;
    const { round, syncKey, syncCheckKey } = cred;
    try {
      await this.d.durable();
      cred.markSafe(round, syncKey, syncCheckKey);
      await this.persist();
    } catch (err) {
      this.d.onError(err, 'session checkpoint');
    }
  }

  private doc(): PersistedSession {
    const c = this.d.cred.require('persist session');
    const self = this.d.contacts.selfOrUndefined;
    return {
      version: 1,
      uin: c.uin,
      sid: c.sid,
      skey: c.skey,
      deviceId: c.deviceId,
      passTicket: c.passTicket,
      hosts: c.hosts,
      cookies: this.d.http.jar.serializeSync(),
      syncKey: c.safe.syncKey,
      ...(c.safe.syncCheckKey ? { syncCheckKey: c.safe.syncCheckKey } : {}),
      ...(self ? { self: self.raw } : {}),
      savedAt: Date.now(),
    };
  }
}
