import { cleanName } from '../wire/text.js';
import type { RawContact, RawMember } from '../wire/types.js';
import { classifyContact, isRoomUserName, SPECIAL_USER_NAMES } from './classify.js';
import type { IdentityLedger, LedgerMatch } from './ledger.js';
import { People, RoomMembers, type MemberEntry } from './members.js';
import { HeadTemplates, StoredContact, StoredRoom } from './record.js';
import type { Contact, Room, RoomMember, StableIdConfidence } from './types.js';

/** Lookups the client needs beyond ContactDirectory; mirrors client/types ContactStore. */
export interface StableIdInfo {
  stableId: string;
  confidence: StableIdConfidence;
}

const EMPTY_MEMBERS: ReadonlyMap<string, RoomMember> = new RoomMembers(new People(), []);

/**
 * The in-memory contact store: Maps keyed by session UserName and stable id (O(1)),
 * members held per room as ids into one People table (see members.ts), contacts as
 * compact records that keep only the wire fields anything reads (see record.ts).
 * Contacts are immutable snapshots, replaced on update.
 */
export class MemoryContactStore {
  /** Replaced, not cleared, at a new login: the previous login's People table answers from it. */
  private byUser = new Map<string, Contact>();
  /** People entries of members who are not contacts; a contact carries its own (StoredContact.person). */
  private strangers = new Map<string, number>();
  private readonly byStable = new Map<string, string>();
  /** Strong stable ids learned from MsgType 51 pairing, by session UserName (this session only, never persisted). */
  private readonly paired = new Map<string, string>();
  /** Ids the identity ledger gave at this login's `reconcile`, by session UserName. */
  private readonly recognised = new Map<string, LedgerMatch>();
  /** Across logins: learns every strong id, recognises contacts at `reconcile` (see ledger.ts). */
  ledger: IdentityLedger | undefined;
  /**
   * Everyone in a member list this login, once (members are the bulk of a big account:
   * 200 rooms × 500 = 100k). It also interns the UserName and nick name strings, which
   * JSON gives as copies in every list. A new login starts a new table: rooms handed out
   * before keep theirs.
   */
  private people = this.newPeople();
  /** HeadImgUrl templates of this store's contacts (see record.ts). */
  private readonly heads = new HeadTemplates();
  private selfUserName = '';

  /** The logged-in account; throws before login. */
  get self(): Contact {
    const s = this.byUser.get(this.selfUserName);
    if (!s) throw new Error('contacts: self is unknown before login (await client.start())');
    return s;
  }

  get selfOrUndefined(): Contact | undefined {
    return this.byUser.get(this.selfUserName);
  }

  get size(): number {
    return this.byUser.size;
  }

  contact(userName: string): Contact | undefined {
    return this.byUser.get(userName);
  }

  room(userName: string): Room | undefined {
    const c = this.byUser.get(userName);
    return c && c.kind === 'room' ? (c as Room) : undefined;
  }

  member(roomUserName: string, memberUserName: string): RoomMember | undefined {
    return this.room(roomUserName)?.members.get(memberUserName);
  }

  members(roomUserName: string): ReadonlyMap<string, RoomMember> {
    return this.room(roomUserName)?.members ?? EMPTY_MEMBERS;
  }

  byStableId(stableId: string): Contact | undefined {
    const u = this.byStable.get(stableId);
    return u === undefined ? undefined : this.byUser.get(u);
  }

  *all(): IterableIterator<Contact> {
    yield* this.byUser.values();
  }

  *rooms(): IterableIterator<Room> {
    for (const c of this.byUser.values()) if (c.kind === 'room') yield c as Room;
  }

  /**
   * Contacts whose remark, nick name or alias equals `name` (display text: `'Dave 🌛'`;
   * raw markup is cleaned first, so a name copied from a wire body matches too).
   * Linear; names are not unique and this is not a hot path.
   */
  findByName(name: string): Contact[] {
    const wanted = cleanName(name);
    if (wanted === '') return [];
    const out: Contact[] = [];
    for (const c of this.byUser.values())
      if (c.remarkName === wanted || c.nickName === wanted || c.alias === wanted) out.push(c);
    return out;
  }

  /** Drops everything (new login: every UserName changed). */
  clear(): void {
    this.byUser = new Map();
    this.strangers = new Map();
    this.byStable.clear();
    this.paired.clear();
    this.recognised.clear();
    this.people = this.newPeople();
    this.selfUserName = '';
  }

  /**
   * A People table whose UserName index is this login's contacts (each carries its entry) plus the
   * members who are not contacts: one hash table for the UserNames both know, not two. It keeps
   * this login's maps, so rooms handed out before a new login keep answering.
   */
  private newPeople(): People {
    const byUser = this.byUser;
    const strangers = this.strangers;
    return new People({
      get: (userName) => {
        const c = byUser.get(userName);
        return (c === undefined ? undefined : StoredContact.person(c)) ?? strangers.get(userName);
      },
      set: (userName, id) => {
        const c = byUser.get(userName);
        if (c === undefined) strangers.set(userName, id);
        else StoredContact.setPerson(c, id);
      },
    });
  }

  setSelf(raw: RawContact): Contact {
    this.selfUserName = raw.UserName;
    return this.upsert(raw);
  }

  /** Adds or replaces a contact. A room update without MemberList keeps the members already known. */
  upsert(raw: RawContact): Contact {
    const prev = this.byUser.get(raw.UserName);
    const kind = classifyContact(raw, this.selfUserName);
    const id = this.stableIdFor(raw, kind);
    if (
      prev?.stableId !== undefined &&
      prev.stableId !== id?.stableId &&
      this.byStable.get(prev.stableId) === raw.UserName
    ) {
      this.byStable.delete(prev.stableId);
    }
    const names = this.namesOf(raw, prev);
    const identity = { stableId: id?.stableId, stableIdConfidence: id?.confidence };
    let contact: Contact;
    if (kind === 'room') {
      // Snapshots never change their members map, so an update without a list shares the previous one.
      const members = raw.MemberList?.length
        ? this.toMembers(raw.MemberList)
        : prev?.kind === 'room'
          ? (prev as Room).members
          : EMPTY_MEMBERS;
      contact = new StoredRoom(raw, names, identity, this.heads, members);
    } else {
      contact = new StoredContact(raw, kind, names, identity, this.heads);
    }
    // The People entry moves to the new snapshot (or, for a new contact, from the strangers).
    StoredContact.setPerson(contact, prev === undefined ? this.takeStranger(raw.UserName) : StoredContact.person(prev));
    this.byUser.set(raw.UserName, contact);
    if (id) this.byStable.set(id.stableId, raw.UserName);
    this.ledger?.learn(contact);
    return contact;
  }

  /** Removes a contact (DelContact). */
  remove(userName: string): boolean {
    const prev = this.byUser.get(userName);
    if (!prev) return false;
    this.byUser.delete(userName);
    // Still a member of the rooms that list them.
    const person = StoredContact.person(prev);
    if (person !== undefined) this.strangers.set(userName, person);
    if (prev.stableId !== undefined && this.byStable.get(prev.stableId) === userName)
      this.byStable.delete(prev.stableId);
    return true;
  }

  private takeStranger(userName: string): number | undefined {
    const id = this.strangers.get(userName);
    if (id !== undefined) this.strangers.delete(userName);
    return id;
  }

  /** Replaces a room's member list (ModChatRoomMember / batchgetcontact). */
  setMembers(roomUserName: string, members: readonly RawMember[], memberCount?: number): void {
    const prev = this.byUser.get(roomUserName);
    this.upsert({
      ...(prev ? prev.raw : { UserName: roomUserName }),
      MemberList: [...members],
      MemberCount: memberCount ?? members.length,
    });
  }

  /**
   * Records MsgType 51 pairs (stable wxid ↔ session UserName) and re-keys the
   * affected contacts with the strongest confidence.
   */
  applyPairs(pairs: ReadonlyArray<{ stableId: string; userName: string }>): string[] {
    const changed: string[] = [];
    for (const { stableId, userName } of pairs) {
      this.paired.set(userName, stableId);
      // The ledger guessed this id for someone else: the pairing is right, the guess goes.
      for (const [other, match] of this.recognised) {
        if (other === userName || match.stableId !== stableId) continue;
        this.recognised.delete(other);
        const c = this.byUser.get(other);
        if (c !== undefined) {
          this.upsert(c.raw);
          changed.push(other);
        }
      }
      const c = this.byUser.get(userName);
      if (c && c.stableId !== stableId) {
        this.upsert(c.raw);
        changed.push(userName);
      }
    }
    return changed;
  }

  /**
   * Gives contacts the stable ids the identity ledger recognises (after a login's contacts are
   * loaded), and teaches it the rooms everyone is in. Returns the re-keyed UserNames.
   */
  reconcile(): string[] {
    const ledger = this.ledger;
    if (ledger === undefined) return [];
    const roomsOf = new Map<string, string[]>();
    for (const room of this.rooms()) {
      if (room.stableId === undefined || room.stableIdConfidence === 'weak') continue;
      for (const userName of room.members.keys()) {
        const list = roomsOf.get(userName);
        if (list === undefined) roomsOf.set(userName, [room.stableId]);
        else list.push(room.stableId);
      }
    }
    const candidates = [...this.byUser.values()].map((contact) => ({
      contact,
      rooms: roomsOf.get(contact.userName) ?? [],
    }));
    const changed: string[] = [];
    for (const [userName, match] of ledger.match(candidates)) {
      this.recognised.set(userName, match);
      const c = this.byUser.get(userName);
      if (c !== undefined) {
        this.upsert(c.raw);
        changed.push(userName);
      }
    }
    for (const { contact } of candidates) {
      const now = this.byUser.get(contact.userName);
      const rooms = roomsOf.get(contact.userName);
      if (now !== undefined && rooms !== undefined) ledger.learn(now, rooms);
    }
    return changed;
  }

  /**
   * The contact's strings, shared where they are equal to ones already held (the previous
   * snapshot's, or a room member's), since JSON gives every answer fresh copies.
   */
  private namesOf(
    raw: RawContact,
    prev: Contact | undefined,
  ): { userName: string; nickName: string; remarkName: string } {
    const nickName = cleanName(raw.NickName);
    const remarkName = cleanName(raw.RemarkName);
    const member = prev === undefined ? this.people.latestNames(raw.UserName) : undefined;
    return {
      userName: prev?.userName ?? member?.userName ?? raw.UserName,
      nickName:
        prev?.nickName === nickName ? prev.nickName : member?.nickName === nickName ? member.nickName : nickName,
      remarkName: prev?.remarkName === remarkName ? prev.remarkName : remarkName,
    };
  }

  private toMembers(list: readonly RawMember[]): ReadonlyMap<string, RoomMember> {
    return new RoomMembers(
      this.people,
      list.map((m) => this.toMember(m)),
    );
  }

  // Names arrive as Web WeChat markup (emoji spans, HTML entities). The store holds
  // display text so plugins can compare what people type.
  private toMember(raw: RawMember): MemberEntry {
    const nickName = cleanName(raw.NickName);
    const displayName = cleanName(raw.DisplayName);
    const latest = this.people.latest(raw.UserName);
    if (latest !== undefined && this.people.nickName(latest) === nickName) return { id: latest, displayName };
    // A member who is also a contact reuses the contact's strings; a renamed person gets a new
    // entry, rooms listed before keep theirs until updated.
    const contact = this.byUser.get(raw.UserName);
    const userName = latest !== undefined ? this.people.userName(latest) : (contact?.userName ?? raw.UserName);
    return {
      id: this.people.idOf(userName, contact?.nickName === nickName ? contact.nickName : nickName),
      displayName,
    };
  }

  /** Best stable id for a contact, strongest first: 51 pairing, special id, Alias, EncryChatRoomId, weak hints. */
  private stableIdFor(raw: RawContact, kind: Contact['kind']): StableIdInfo | undefined {
    const paired = this.paired.get(raw.UserName);
    if (paired) return { stableId: paired, confidence: 'wxid' };
    const recognised = this.recognised.get(raw.UserName);
    if (recognised !== undefined) return { ...recognised };
    if (SPECIAL_USER_NAMES.has(raw.UserName) || (!raw.UserName.startsWith('@') && raw.UserName !== '')) {
      // Specials and already-stable ids (simulators, wxid_ forms) are their own stable id.
      return { stableId: raw.UserName, confidence: 'wxid' };
    }
    if (kind !== 'room' && raw.Alias) return { stableId: `alias:${raw.Alias}`, confidence: 'alias' };
    if (kind === 'room' && raw.EncryChatRoomId && raw.EncryChatRoomId !== '0') {
      return { stableId: `encry:${raw.EncryChatRoomId}`, confidence: 'encry-room-id' };
    }
    if (kind === 'self' && raw.Uin) return { stableId: `uin:${raw.Uin}`, confidence: 'alias' };
    // Weak: same kind and display name (and for people, remark) — good enough to re-find a contact, not to trust.
    // Built from the raw markup on purpose: weak ids already persisted by plugins must keep matching.
    const name = raw.RemarkName || raw.NickName;
    if (!name) return undefined;
    return { stableId: `weak:${kind}:${name}`, confidence: 'weak' };
  }
}

export { isRoomUserName };
