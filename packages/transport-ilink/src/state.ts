/**
 * What the iLink transport persists, in core's `SessionStore` (the same store, files and modes as a
 * Web session: one JSON document per key, replaced atomically, 0600):
 *
 * - `<account>/ilink-session`: the bot token and where it talks (like a Web `PersistedSession`), the
 *   `get_updates_buf` cursor (like the SyncKey) and each user's latest `context_token`.
 * - `<account>/ilink-inbox`: the journaled inbox — received messages not yet handled, and the ids
 *   already handled (bounded) for dedupe.
 *
 * Ordering is what makes restarts lose and double nothing: a batch is written to the inbox document
 * first, and only once that write is durable is the cursor that covers it saved.
 */
import type { SessionStore } from '@wxbot/core';

import type { SendRecord } from './sends.js';
import type { WeixinMessage } from './wire.js';

export interface ReplyContext {
  readonly token: string;
  /** Epoch ms of the user's last message (the reply window runs from it). */
  readonly lastAt: number;
}

export interface IlinkSessionDoc {
  readonly version: 1;
  readonly botToken: string | undefined;
  readonly botId: string | undefined;
  /** The WeChat user who scanned and owns the bot. */
  readonly ownerId: string | undefined;
  /** Bot API base from login's `baseurl`. */
  readonly baseUrl: string | undefined;
  readonly cursor: string;
  /** Previously issued tokens (newest last, at most ten): `get_bot_qrcode`'s `local_token_list`. */
  readonly tokenHistory: readonly string[];
  readonly contexts: Readonly<Record<string, ReplyContext>>;
  /** Sends made while handling messages (see sends.ts); the newest few hundred. */
  readonly sends: readonly SendRecord[];
  readonly savedAt: number;
}

export function emptySession(): IlinkSessionDoc {
  return {
    version: 1,
    botToken: undefined,
    botId: undefined,
    ownerId: undefined,
    baseUrl: undefined,
    cursor: '',
    tokenHistory: [],
    contexts: {},
    sends: [],
    savedAt: 0,
  };
}

function isSessionDoc(v: unknown): v is IlinkSessionDoc {
  if (v === null || typeof v !== 'object') return false;
  const d = v as Partial<IlinkSessionDoc>;
  return d.version === 1 && typeof d.cursor === 'string' && Array.isArray(d.tokenHistory);
}

/** JSON drops `undefined`; reading a document back restores the optional fields as undefined. */
export async function loadSession(store: SessionStore, key: string): Promise<IlinkSessionDoc | undefined> {
  const doc = await store.get(key);
  if (doc === undefined) return undefined;
  if (!isSessionDoc(doc)) return undefined;
  return {
    ...emptySession(),
    ...doc,
    contexts: { ...(doc.contexts ?? {}) },
    sends: Array.isArray(doc.sends) ? doc.sends : [],
  };
}

/**
 * Core's file store (JSON files, 0600, atomic), loaded on first use: the transport needs nothing of core at
 * run time but this default, so a caller that passes its own store never loads core from here.
 */
export class DefaultFileStore implements SessionStore {
  private inner: Promise<SessionStore> | undefined;

  constructor(private readonly dir: string) {}

  private store(): Promise<SessionStore> {
    this.inner ??= import('@wxbot/core').then((core) => new core.FileSessionStore(this.dir));
    return this.inner;
  }

  async get(key: string): Promise<unknown> {
    return (await this.store()).get(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    await (await this.store()).set(key, value);
  }

  async delete(key: string): Promise<void> {
    await (await this.store()).delete(key);
  }
}

/** One received message as journaled. */
export interface InboxEntry {
  readonly id: string;
  readonly msg: WeixinMessage;
  readonly receivedAt: number;
}

interface InboxDoc {
  readonly version: 1;
  readonly pending: InboxEntry[];
  readonly done: string[];
}

function isEntry(v: unknown): v is InboxEntry {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as InboxEntry).id === 'string' &&
    typeof (v as InboxEntry).msg === 'object' &&
    typeof (v as InboxEntry).receivedAt === 'number'
  );
}

/** The id an entry is deduped by: the server's `message_id`, else what identifies it in the stream. */
export function messageKey(m: WeixinMessage): string {
  if (m.message_id !== undefined && m.message_id !== '') return m.message_id;
  return `${m.from_user_id ?? ''}:${m.seq ?? ''}:${m.create_time_ms ?? ''}:${m.client_id ?? ''}`;
}

/**
 * Serialises whole-document writes: `save()` resolves once a write holding the state at call time is
 * durable; concurrent calls coalesce into one more write.
 */
export class DocSaver {
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly write: () => Promise<void>) {}

  save(): Promise<void> {
    if (!this.writing) {
      this.writing = this.write().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    this.queued ??= this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.save();
      });
    return this.queued;
  }
}

/** The journaled inbox: pending entries in arrival order, plus a bounded set of handled ids. */
export class IlinkInbox {
  private readonly pending = new Map<string, InboxEntry>();
  private done = new Set<string>();
  private readonly saver: DocSaver;

  constructor(
    private readonly store: SessionStore,
    private readonly key: string,
    private readonly dedupeSize: number,
  ) {
    this.saver = new DocSaver(() => this.store.set(this.key, this.snapshot()));
  }

  async load(): Promise<void> {
    const doc = await this.store.get(this.key);
    this.pending.clear();
    this.done = new Set();
    if (doc === null || typeof doc !== 'object') return;
    const d = doc as Partial<InboxDoc>;
    for (const id of Array.isArray(d.done) ? d.done : []) if (typeof id === 'string') this.done.add(id);
    for (const e of Array.isArray(d.pending) ? d.pending : []) {
      if (isEntry(e) && !this.done.has(e.id)) this.pending.set(e.id, e);
    }
  }

  private snapshot(): InboxDoc {
    return { version: 1, pending: [...this.pending.values()], done: [...this.done] };
  }

  seen(id: string): boolean {
    return this.pending.has(id) || this.done.has(id);
  }

  /** Journals the entries not seen before and resolves once they are durable; returns those. */
  async accept(msgs: readonly WeixinMessage[], now: number): Promise<InboxEntry[]> {
    const fresh: InboxEntry[] = [];
    for (const msg of msgs) {
      const id = messageKey(msg);
      if (this.seen(id)) continue;
      const entry = { id, msg, receivedAt: now };
      this.pending.set(id, entry);
      fresh.push(entry);
    }
    if (fresh.length > 0) {
      try {
        await this.saver.save();
      } catch (err) {
        // Not durable: forget them, so the retry of this batch journals them again instead of taking
        // them for seen (which would let the cursor move past messages that exist only in memory).
        this.forget(fresh);
        throw err;
      }
    }
    return fresh;
  }

  /** Forgets journaled entries that were never handed over, so a retry of their batch takes them again. */
  forget(entries: readonly InboxEntry[]): void {
    for (const entry of entries) this.pending.delete(entry.id);
  }

  /**
   * Counts `id` as handled without ever journaling it (a dead-lettered message), so a re-fetch of its
   * batch skips it. Written with the next save; a re-fetch before that dead-letters it again, harmlessly.
   */
  skip(id: string): void {
    this.pending.delete(id);
    this.done.add(id);
  }

  pendingEntries(): InboxEntry[] {
    return [...this.pending.values()];
  }

  /** Marks an entry handled: it leaves the journal and joins the dedupe set (oldest ids fall out). */
  async markDone(id: string): Promise<void> {
    if (!this.pending.delete(id)) return;
    this.done.add(id);
    while (this.done.size > this.dedupeSize) {
      const oldest = this.done.values().next().value;
      if (oldest === undefined) break;
      this.done.delete(oldest);
    }
    await this.saver.save();
  }

  /** Resolves once every change so far is written. */
  flush(): Promise<void> {
    return this.saver.save();
  }
}
