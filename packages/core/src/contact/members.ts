import type { RoomMember } from './types.js';

/**
 * A room's members as a read-only map in half a Map's memory: a big account has
 * 200 rooms × 500 members, and a Map spends ~28 bytes per entry on its hash
 * table where this spends 14 — the member list in wire order, a 16- or 32-bit
 * index into it, and a 32-bit key per member made of the UserName's last four
 * characters (the random part of `@<hex>` and `wxid_...` ids), both sorted by
 * (key, UserName). A lookup binary-searches the numeric keys and compares
 * strings only where keys tie: O(log n) even when many ids end alike, about
 * 2-3 times a Map's hash probe for a 500-member room.
 * Iteration is in list order, like the Map it replaces; the last of duplicate
 * UserNames wins, as with Map#set.
 */
export class MemberMap implements ReadonlyMap<string, RoomMember> {
  readonly #list: readonly RoomMember[];
  /** Positions in #list, ordered by (tailKey, userName). */
  readonly #order: Uint16Array | Uint32Array;
  /** tailKey of each member, in #order's order. */
  readonly #keys: Uint32Array;

  constructor(members: readonly RoomMember[]) {
    let list = members.slice();
    let order = sortedOrder(list);
    if (hasDuplicates(list, order)) {
      list = dedupe(list);
      order = sortedOrder(list);
    }
    this.#list = list;
    this.#order = order;
    this.#keys = new Uint32Array(order.length);
    for (let i = 0; i < order.length; i++) this.#keys[i] = tailKey(list[order[i]!]!.userName);
  }

  get size(): number {
    return this.#list.length;
  }

  get(userName: string): RoomMember | undefined {
    const keys = this.#keys;
    const order = this.#order;
    const list = this.#list;
    const key = tailKey(userName);
    let lo = 0;
    let hi = keys.length - 1;
    // Ordered by (key, userName): strings are compared only where keys tie, so rarely.
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else {
        const member = list[order[mid]!]!;
        const name = member.userName;
        if (name === userName) return member;
        if (name < userName) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return undefined;
  }

  has(userName: string): boolean {
    return this.get(userName) !== undefined;
  }

  forEach(
    callback: (value: RoomMember, key: string, map: ReadonlyMap<string, RoomMember>) => void,
    thisArg?: unknown,
  ): void {
    for (const member of this.#list) callback.call(thisArg, member, member.userName, this);
  }

  *entries(): MapIterator<[string, RoomMember]> {
    for (const member of this.#list) yield [member.userName, member];
  }

  *keys(): MapIterator<string> {
    for (const member of this.#list) yield member.userName;
  }

  values(): MapIterator<RoomMember> {
    return this.#list.values();
  }

  [Symbol.iterator](): MapIterator<[string, RoomMember]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'MemberMap';
  }
}

/** The low bytes of the last four UTF-16 units (0 for missing ones), as an unsigned 32-bit number. */
function tailKey(s: string): number {
  const n = s.length;
  return (
    (((s.charCodeAt(n - 1) & 0xff) << 24) |
      ((s.charCodeAt(n - 2) & 0xff) << 16) |
      ((s.charCodeAt(n - 3) & 0xff) << 8) |
      (s.charCodeAt(n - 4) & 0xff)) >>>
    0
  );
}

function sortedOrder(list: readonly RoomMember[]): Uint16Array | Uint32Array {
  const order = list.length <= 0xffff ? new Uint16Array(list.length) : new Uint32Array(list.length);
  const keys = list.map((m) => tailKey(m.userName));
  for (let i = 0; i < list.length; i++) order[i] = i;
  return order.sort((a, b) => {
    if (keys[a] !== keys[b]) return keys[a]! - keys[b]!;
    const x = list[a]!.userName;
    const y = list[b]!.userName;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function hasDuplicates(list: readonly RoomMember[], order: Uint16Array | Uint32Array): boolean {
  for (let i = 1; i < order.length; i++) if (list[order[i - 1]!]!.userName === list[order[i]!]!.userName) return true;
  return false;
}

/** Keeps the first position and the last value of each UserName (Map#set semantics). */
function dedupe(members: readonly RoomMember[]): RoomMember[] {
  const at = new Map<string, number>();
  const out: RoomMember[] = [];
  for (const m of members) {
    const i = at.get(m.userName);
    if (i === undefined) {
      at.set(m.userName, out.length);
      out.push(m);
    } else {
      out[i] = m;
    }
  }
  return out;
}
