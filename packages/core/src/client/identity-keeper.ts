import { IdentityLedger } from '../contact/ledger.js';
import type { MemoryContactStore } from '../contact/store.js';
import type { SessionStore } from '../session/types.js';
import type { ClientEmitter } from './events.js';
import { DocWriter } from './journal.js';

export interface IdentityKeeperDeps {
  readonly store: SessionStore;
  /** The ledger document's key (`<account>/identity`). */
  readonly key: string;
  readonly contacts: Pick<MemoryContactStore, 'ledger' | 'reconcile'>;
  /** Most entries kept (the least recently seen go first). */
  readonly limit?: number | undefined;
  /** Its `contacts-updated` (pairings, new contacts) schedules a save when the ledger learned something. */
  readonly events: Pick<ClientEmitter, 'on'>;
  readonly onError: (err: unknown, context: string) => void;
}

/**
 * Keeps the account's identity ledger in the SessionStore across logins: loads it before a fresh
 * login's contacts arrive (they are matched against it and teach it), saves it after the login's
 * reconcile and, debounced, whenever contacts taught it something (MsgType 51 pairings). The store's
 * `set` is atomic, so a crash leaves the previous ledger, never half of one.
 */
export class IdentityKeeper {
  readonly ledger: IdentityLedger;
  private readonly writer: DocWriter;
  private uin: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly d: IdentityKeeperDeps) {
    this.ledger = new IdentityLedger(d.limit === undefined ? {} : { limit: d.limit });
    d.contacts.ledger = this.ledger;
    this.writer = new DocWriter(d.store, d.key, () => this.ledger.toDoc(this.uin ?? 0));
    d.events.on('contacts-updated', () => {
      this.schedule();
    });
    // What a pending save holds is written as the client stops (it awaits nothing of ours, so early).
    d.events.on('state', ({ to }) => {
      if (to === 'stopping') void this.close();
    });
  }

  /** Before a fresh login's contacts: the ledger of this account (uin), or an empty one. */
  async load(uin: number): Promise<void> {
    // A re-login of the same account in this process: memory holds all the store has, and more.
    if (this.uin === uin) return;
    this.uin = uin;
    let doc: unknown;
    try {
      doc = await this.d.store.get(this.d.key);
    } catch (err) {
      // A broken ledger costs stable ids, not the login.
      this.d.onError(err, 'reading the identity ledger');
    }
    this.ledger.load(doc, uin);
  }

  /** After a fresh login's contacts and rooms: recognises contacts, saves. Returns the re-keyed UserNames. */
  async reconcile(): Promise<string[]> {
    const changed = this.d.contacts.reconcile();
    await this.save();
    return changed;
  }

  /** Saves soon when the ledger learned something (several changes within a second make one write). */
  schedule(): void {
    if (this.timer !== undefined || !this.ledger.dirty || this.uin === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, 1000);
    this.timer.unref();
  }

  async save(): Promise<void> {
    if (this.uin === undefined) return;
    try {
      await this.writer.save();
    } catch (err) {
      this.d.onError(err, 'saving the identity ledger');
    }
  }

  /** Flushes a pending save (client stop). */
  async close(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.ledger.dirty) await this.save();
    }
  }
}
