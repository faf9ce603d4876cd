/**
 * The identity ledger: what the bot learned about each account across logins (wxid pairings from
 * MsgType 51, alias, remark, avatar fingerprint, rooms), so that a fresh login, where every session
 * UserName is new and MsgType 51 pairs only the recent chats, still gives a contact the stable id
 * it had. Pure data: the client loads it from and saves it to the SessionStore (`<account>/identity`).
 */

import type { Contact, ContactKind, StableIdConfidence } from './types.js';
import { isWeakStableId } from './stable-id.js';

/** What the ledger remembers of one account, under the stable id plugins saw. */
export interface LedgerEntry {
  /** The stable id (a wxid, `alias:…`, `encry:…`): never a weak one. */
  readonly id: string;
  readonly kind: ContactKind;
  readonly alias: string;
  readonly remark: string;
  readonly nick: string;
  /** The stable part of HeadImgUrl (`seq`), '' when unknown: changes only when the picture does. */
  readonly avatar: string;
  /** Stable ids of rooms they were last seen in (bounded). */
  readonly rooms: readonly string[];
  /** Epoch ms last seen: the oldest go first when the ledger is full. */
  readonly seen: number;
}

/** The document kept in the SessionStore. */
export interface LedgerDoc {
  readonly version: 1;
  /** The account's uin: a ledger of another account is never applied. */
  readonly uin: number;
  readonly entries: readonly LedgerEntry[];
}

/** A contact's match: the id it gets and how sure that is. */
export interface LedgerMatch {
  readonly stableId: string;
  readonly confidence: StableIdConfidence;
}

/** Default bound: a big account has ~5000 contacts and a few hundred rooms. */
export const DEFAULT_LEDGER_LIMIT = 20_000;
const ROOMS_PER_ENTRY = 16;

/** The stable part of a HeadImgUrl: its `seq` (username and skey change every login). */
export function avatarFingerprint(url: string | undefined): string {
  if (!url) return '';
  const seq = /[?&]seq=(\d+)/.exec(url)?.[1];
  // seq=0 is "no picture": every such contact would share it.
  return seq === undefined || seq === '0' ? '' : seq;
}

function isStrong(confidence: StableIdConfidence | undefined): boolean {
  return confidence === 'wxid' || confidence === 'alias' || confidence === 'encry-room-id';
}

/**
 * An entry as the ledger keeps it (the public shape is rebuilt by `get` and `toDoc`): `rooms` as
 * one code unit per room, an index into the ledger's room table, instead of an array of up to 16
 * pointers (a 144-byte array per entry, most of a big account's ledger), and `avatar` as a number
 * when the seq's digits round-trip (no string per entry).
 */
interface Kept {
  readonly id: string;
  readonly kind: ContactKind;
  readonly alias: string;
  readonly remark: string;
  readonly nick: string;
  readonly avatar: string | number;
  /** Room table indexes as code units, or the ids themselves once the table is full (see RoomTable). */
  readonly rooms: string | readonly string[];
  readonly seen: number;
}

/** Room stable ids the ledger's entries name, each once: entries hold their indexes. */
class RoomTable {
  /** Code units are 16 bits; past that, entries keep their ids as arrays. */
  static readonly MAX = 0x10000;
  readonly #ids: string[] = [];
  readonly #index = new Map<string, number>();

  get size(): number {
    return this.#ids.length;
  }

  /** The code units for `rooms`, or the ids themselves when the table has no room left for them. */
  encode(rooms: readonly string[]): string | readonly string[] {
    const codes: number[] = [];
    for (const room of rooms) {
      let i = this.#index.get(room);
      if (i === undefined) {
        if (this.#ids.length >= RoomTable.MAX) return [...rooms];
        i = this.#ids.length;
        this.#ids.push(room);
        this.#index.set(room, i);
      }
      codes.push(i);
    }
    // In one call: a string built by `+=` is a chain of 32-byte cons cells until something flattens it.
    return String.fromCharCode(...codes);
  }

  decode(rooms: string | readonly string[]): string[] {
    if (typeof rooms !== 'string') return [...rooms];
    const out: string[] = [];
    for (let i = 0; i < rooms.length; i++) out.push(this.#ids[rooms.charCodeAt(i)]!);
    return out;
  }

  /** Whether the encoded list names any of `ids` (each a room stable id). */
  someOf(rooms: string | readonly string[], ids: readonly string[]): boolean {
    if (typeof rooms !== 'string') return rooms.some((r) => ids.includes(r));
    for (const id of ids) {
      const i = this.#index.get(id);
      if (i !== undefined && rooms.includes(String.fromCharCode(i))) return true;
    }
    return false;
  }
}

/** A seq as a number when its digits round-trip (and fit a small integer), else as it came. */
function packAvatar(avatar: string): string | number {
  if (avatar === '' || avatar.length > 9) return avatar;
  const n = Number(avatar);
  return String(n) === avatar ? n : avatar;
}

/** Where a contact stands in this login: what matching reads. */
export interface Candidate {
  readonly contact: Contact;
  /** Stable ids of the rooms it is in this login. */
  readonly rooms: readonly string[];
}

export class IdentityLedger {
  readonly limit: number;
  readonly #entries = new Map<string, Kept>();
  #rooms = new RoomTable();
  /** Alias → the wxid-keyed entry holding it: an `alias:` id of the same person is not kept beside it. */
  readonly #aliasOwner = new Map<string, string>();
  #dirty = false;

  constructor(options: { limit?: number } = {}) {
    this.limit = options.limit ?? DEFAULT_LEDGER_LIMIT;
  }

  get size(): number {
    return this.#entries.size;
  }
  /** Whether it changed since the last `toDoc`. */
  get dirty(): boolean {
    return this.#dirty;
  }
  /** The entry kept under `id`, a fresh object per call. */
  get(id: string): LedgerEntry | undefined {
    const kept = this.#entries.get(id);
    return kept === undefined ? undefined : this.#public(kept);
  }

  /** Loads a saved document; one of another account (uin) or a broken one is ignored. */
  load(doc: unknown, uin: number): void {
    this.#entries.clear();
    this.#aliasOwner.clear();
    this.#rooms = new RoomTable();
    if (typeof doc !== 'object' || doc === null) return;
    const d = doc as Partial<LedgerDoc>;
    if (d.version !== 1 || d.uin !== uin || !Array.isArray(d.entries)) return;
    for (const e of (d.entries as unknown[]).slice(-this.limit)) if (isEntry(e)) this.#put(this.#keep(e));
  }

  toDoc(uin: number): LedgerDoc {
    this.#dirty = false;
    return { version: 1, uin, entries: Array.from(this.#entries.values(), (k) => this.#public(k)) };
  }

  /**
   * Remembers a contact whose stable id is strong (or was given by a medium match): its features
   * are refreshed under that id. Weak ids teach nothing.
   */
  learn(contact: Contact, rooms?: readonly string[]): void {
    const id = contact.stableId;
    const confidence = contact.stableIdConfidence;
    if (id === undefined || isWeakStableId(id) || confidence === undefined || confidence === 'weak') return;
    if (contact.kind === 'special') return;
    const owner = id.startsWith('alias:') ? this.#aliasOwner.get(id.slice('alias:'.length)) : undefined;
    if (owner !== undefined && owner !== id) return;
    const prev = this.#entries.get(id);
    const avatar = packAvatar(avatarFingerprint(contact.raw.HeadImgUrl)) || prev?.avatar || '';
    const alias = contact.alias || prev?.alias || '';
    const encoded = rooms === undefined ? (prev?.rooms ?? '') : this.#rooms.encode(rooms.slice(0, ROOMS_PER_ENTRY));
    if (
      prev !== undefined &&
      prev.alias === alias &&
      prev.remark === contact.remarkName &&
      prev.nick === contact.nickName &&
      prev.avatar === avatar &&
      prev.kind === contact.kind &&
      sameRooms(prev.rooms, encoded)
    ) {
      return;
    }
    if (this.#rooms.size >= RoomTable.MAX && typeof encoded !== 'string') this.#compactRooms();
    const entry: Kept = {
      id,
      kind: contact.kind,
      alias,
      remark: contact.remarkName,
      nick: contact.nickName,
      avatar,
      rooms: encoded,
      seen: Date.now(),
    };
    // Learned under a wxid now: an entry kept under the bare alias is the same person, superseded.
    if (entry.alias && id !== `alias:${entry.alias}`) this.#drop(`alias:${entry.alias}`);
    this.#drop(id); // re-inserted last: Map order is the eviction order
    this.#put(entry);
    this.#dirty = true;
    while (this.#entries.size > this.limit) this.#drop(this.#entries.keys().next().value as string);
  }

  /** The public shape of a kept entry. */
  #public(k: Kept): LedgerEntry {
    return { ...k, avatar: String(k.avatar), rooms: this.#rooms.decode(k.rooms) };
  }

  /** A loaded (or public) entry as kept. */
  #keep(e: LedgerEntry): Kept {
    return { ...e, avatar: packAvatar(e.avatar), rooms: this.#rooms.encode(e.rooms) };
  }

  /**
   * The room table is full (65,536 rooms seen since the ledger was loaded): rebuilds it from the
   * rooms entries still name, so rooms nobody is in any more stop taking codes.
   */
  #compactRooms(): void {
    const old = this.#rooms;
    this.#rooms = new RoomTable();
    for (const [id, k] of this.#entries)
      this.#entries.set(id, { ...k, rooms: this.#rooms.encode(old.decode(k.rooms)) });
  }

  #put(entry: Kept): void {
    this.#entries.set(entry.id, entry);
    if (entry.alias && !entry.id.startsWith('alias:')) this.#aliasOwner.set(entry.alias, entry.id);
  }

  #drop(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    if (entry.alias && this.#aliasOwner.get(entry.alias) === id) this.#aliasOwner.delete(entry.alias);
  }

  /**
   * Matches this login's contacts to the ledger. Only contacts without a strong id of their own, or
   * whose alias the ledger knows under another id, are matched: strong by alias, medium by remark
   * plus avatar, weak by name alone (unique on both sides, rooms breaking ties). An id two contacts
   * would get, or that another contact already holds, goes to neither.
   */
  match(candidates: readonly Candidate[]): Map<string, LedgerMatch> {
    const taken = new Set<string>();
    for (const { contact } of candidates) {
      if (contact.stableId !== undefined && isStrong(contact.stableIdConfidence)) taken.add(contact.stableId);
    }
    const byAlias = new Map<string, Kept[]>();
    const byRemark = new Map<string, Kept[]>();
    const byName = new Map<string, Kept[]>();
    const push = (map: Map<string, Kept[]>, key: string, e: Kept) => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [e]);
      else list.push(e);
    };
    for (const e of this.#entries.values()) {
      if (e.alias) push(byAlias, `${e.kind}\n${e.alias}`, e);
      if (e.remark && e.avatar) push(byRemark, `${e.kind}\n${e.remark}\n${e.avatar}`, e);
      push(byName, `${e.kind}\n${e.remark || e.nick}`, e);
    }
    const claims = new Map<string, { userName: string; confidence: StableIdConfidence }[]>();
    const namesThisLogin = new Map<string, number>();
    for (const { contact } of candidates) {
      const key = `${contact.kind}\n${contact.remarkName || contact.nickName}`;
      namesThisLogin.set(key, (namesThisLogin.get(key) ?? 0) + 1);
    }
    for (const { contact, rooms } of candidates) {
      if (contact.kind === 'special' || contact.kind === 'self') continue;
      const own = contact.stableIdConfidence;
      // A wxid pairing (or an own wxid) is as good as it gets.
      if (own === 'wxid') continue;
      let found: { entry: Kept; confidence: StableIdConfidence } | undefined;
      const alias = contact.alias ? byAlias.get(`${contact.kind}\n${contact.alias}`) : undefined;
      if (alias?.length === 1) found = { entry: alias[0]!, confidence: 'alias' };
      else if (!isStrong(own)) {
        const avatar = packAvatar(avatarFingerprint(contact.raw.HeadImgUrl));
        const remark =
          contact.remarkName && avatar ? byRemark.get(`${contact.kind}\n${contact.remarkName}\n${avatar}`) : undefined;
        if (remark?.length === 1) found = { entry: remark[0]!, confidence: 'remark-avatar' };
        else {
          const key = `${contact.kind}\n${contact.remarkName || contact.nickName}`;
          const named = byName.get(key) ?? [];
          const pick = named.length === 1 ? named : named.filter((e) => this.#rooms.someOf(e.rooms, rooms));
          if (pick.length === 1 && namesThisLogin.get(key) === 1) found = { entry: pick[0]!, confidence: 'weak' };
        }
      }
      if (found === undefined || found.entry.id === contact.stableId) continue;
      const list = claims.get(found.entry.id) ?? [];
      list.push({ userName: contact.userName, confidence: found.confidence });
      claims.set(found.entry.id, list);
    }
    const out = new Map<string, LedgerMatch>();
    for (const [id, list] of claims) {
      if (list.length !== 1 || taken.has(id)) continue;
      out.set(list[0]!.userName, { stableId: id, confidence: list[0]!.confidence });
    }
    return out;
  }
}

/** A stored entry this version can use: a hand-edited or truncated one is skipped, not trusted. */
function isEntry(value: unknown): value is LedgerEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e['id'] === 'string' &&
    e['id'] !== '' &&
    !isWeakStableId(e['id']) &&
    typeof e['kind'] === 'string' &&
    ['alias', 'remark', 'nick', 'avatar'].every((k) => typeof e[k] === 'string') &&
    Array.isArray(e['rooms']) &&
    (e['rooms'] as unknown[]).every((r) => typeof r === 'string') &&
    typeof e['seen'] === 'number'
  );
}

function sameRooms(a: string | readonly string[], b: string | readonly string[]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
