import type { RoomMember } from './types.js';

/**
 * Where a People table finds each UserName's newest entry. The contact store answers it from its
 * own UserName index (a contact carries its entry), so the People table needs no second index of
 * the same few thousand UserNames (~224 KB at 5,000); a table on its own uses a Map.
 */
export interface LatestIndex {
  get(userName: string): number | undefined;
  set(userName: string, id: number): void;
}

/**
 * Everyone seen in the room member lists of one login, one entry per (UserName, nick name):
 * a big account has 200 rooms × 500 members but only a few thousand people, so a room holds
 * small integer ids into this table instead of an object per member. A renamed person gets a
 * new entry; rooms listed before the rename keep the old one (and its name) until updated, as
 * the snapshot they are. Entries live until the next login, which starts a new table.
 */
export class People {
  readonly #userNames: string[] = [];
  readonly #nickNames: string[] = [];
  /** The newest entry of each UserName. */
  readonly #latest: LatestIndex;
  /** UserNames with more than one entry: a room may hold an older one than #latest. */
  readonly #renamed = new Set<string>();

  constructor(latest: LatestIndex = new Map<string, number>()) {
    this.#latest = latest;
  }

  get size(): number {
    return this.#userNames.length;
  }

  /** The entry for this person and name: the newest one when the name matches, else a new one. */
  idOf(userName: string, nickName: string): number {
    const latest = this.#latest.get(userName);
    if (latest !== undefined && this.#nickNames[latest] === nickName) return latest;
    if (latest !== undefined) this.#renamed.add(userName);
    const id = this.#userNames.length;
    this.#userNames.push(userName);
    this.#nickNames.push(nickName);
    this.#latest.set(userName, id);
    return id;
  }

  latest(userName: string): number | undefined {
    return this.#latest.get(userName);
  }

  /** The strings of the newest entry (the store shares them between rooms and contacts). */
  latestNames(userName: string): { userName: string; nickName: string } | undefined {
    const id = this.#latest.get(userName);
    return id === undefined ? undefined : { userName: this.#userNames[id]!, nickName: this.#nickNames[id]! };
  }

  renamed(userName: string): boolean {
    return this.#renamed.has(userName);
  }

  userName(id: number): string {
    return this.#userNames[id]!;
  }

  nickName(id: number): string {
    return this.#nickNames[id]!;
  }
}

/** One member of a list being built: an entry of the People table and the name in this room. */
export interface MemberEntry {
  readonly id: number;
  readonly displayName: string;
}

/**
 * A room's members as a read-only map: the People ids in list order (2 bytes each while the
 * table has under 65,536 entries), and the room display names only when someone has one.
 * `get` scans the ids natively (`TypedArray#indexOf`; a room holds at most 500 members), and
 * builds the `RoomMember` value on each read: values are equal between reads, not the same object.
 * Iteration is in list order; the last of duplicate UserNames wins at the first one's place,
 * as with Map#set.
 */
export class RoomMembers implements ReadonlyMap<string, RoomMember> {
  readonly #people: People;
  readonly #ids: Uint16Array | Uint32Array;
  /** Parallel to #ids; undefined when nobody in the room set a display name. */
  readonly #displayNames: readonly string[] | undefined;

  constructor(people: People, entries: readonly MemberEntry[]) {
    const list = dedupe(people, entries);
    let max = 0;
    for (const e of list) if (e.id > max) max = e.id;
    const ids = max <= 0xffff ? new Uint16Array(list.length) : new Uint32Array(list.length);
    let named = false;
    for (let i = 0; i < list.length; i++) {
      ids[i] = list[i]!.id;
      if (list[i]!.displayName !== '') named = true;
    }
    this.#people = people;
    this.#ids = ids;
    this.#displayNames = named ? list.map((e) => e.displayName) : undefined;
  }

  get size(): number {
    return this.#ids.length;
  }

  get(userName: string): RoomMember | undefined {
    const at = this.#indexOf(userName);
    return at < 0 ? undefined : this.#at(at);
  }

  has(userName: string): boolean {
    return this.#indexOf(userName) >= 0;
  }

  forEach(
    callback: (value: RoomMember, key: string, map: ReadonlyMap<string, RoomMember>) => void,
    thisArg?: unknown,
  ): void {
    for (let i = 0; i < this.#ids.length; i++) {
      const member = this.#at(i);
      callback.call(thisArg, member, member.userName, this);
    }
  }

  *entries(): MapIterator<[string, RoomMember]> {
    for (let i = 0; i < this.#ids.length; i++) {
      const member = this.#at(i);
      yield [member.userName, member];
    }
  }

  /** The UserName at list position `i` (0 ≤ i < size): a check over the roster without an iterator. */
  userNameAt(i: number): string {
    return this.#people.userName(this.#ids[i]!);
  }

  *keys(): MapIterator<string> {
    for (const id of this.#ids) yield this.#people.userName(id);
  }

  *values(): MapIterator<RoomMember> {
    for (let i = 0; i < this.#ids.length; i++) yield this.#at(i);
  }

  [Symbol.iterator](): MapIterator<[string, RoomMember]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'RoomMembers';
  }

  #indexOf(userName: string): number {
    const people = this.#people;
    const latest = people.latest(userName);
    if (latest === undefined) return -1;
    const at = this.#ids.indexOf(latest);
    if (at >= 0 || !people.renamed(userName)) return at;
    // This room was listed before the person's last rename: it holds an older entry.
    for (let i = 0; i < this.#ids.length; i++) if (people.userName(this.#ids[i]!) === userName) return i;
    return -1;
  }

  #at(i: number): RoomMember {
    const id = this.#ids[i]!;
    return {
      userName: this.#people.userName(id),
      nickName: this.#people.nickName(id),
      displayName: this.#displayNames?.[i] ?? '',
    };
  }
}

/** Keeps the first position and the last value of each UserName (Map#set semantics). */
function dedupe(people: People, entries: readonly MemberEntry[]): readonly MemberEntry[] {
  const at = new Map<string, number>();
  let out: MemberEntry[] | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const userName = people.userName(e.id);
    const first = at.get(userName);
    if (first === undefined) {
      at.set(userName, out === undefined ? i : out.length);
      out?.push(e);
    } else {
      out ??= entries.slice(0, i);
      out[first] = e;
    }
  }
  return out ?? entries;
}
