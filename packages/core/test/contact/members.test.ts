import { People, RoomMembers } from '../../src/contact/members.js';
import type { RoomMember } from '../../src/contact/types.js';

const member = (userName: string, displayName = '', nickName = `n${userName}`): RoomMember => ({
  userName,
  nickName,
  displayName,
});

/** Builds a room the way the store does: each member an entry of one People table. */
function room(people: People, list: readonly RoomMember[]): RoomMembers {
  return new RoomMembers(
    people,
    list.map((m) => ({ id: people.idOf(m.userName, m.nickName), displayName: m.displayName })),
  );
}

/** The Map a RoomMembers stands for: same entries, same order, Map#set semantics. */
const reference = (list: RoomMember[]) => new Map(list.map((m) => [m.userName, m]));

describe('People', () => {
  test('one entry per person and name: same name same id, a rename a new id that becomes the latest', () => {
    const p = new People();
    const a = p.idOf('@a', 'Ann');
    expect(p.idOf('@a', 'Ann')).toBe(a);
    expect(p.renamed('@a')).toBe(false);
    const b = p.idOf('@b', 'Bob');
    expect(b).not.toBe(a);
    const a2 = p.idOf('@a', 'Anna');
    expect(a2).not.toBe(a);
    expect(p.latest('@a')).toBe(a2);
    expect(p.renamed('@a')).toBe(true);
    expect([p.nickName(a), p.nickName(a2), p.userName(b)]).toEqual(['Ann', 'Anna', '@b']);
    expect(p.latestNames('@a')).toEqual({ userName: '@a', nickName: 'Anna' });
    expect(p.latestNames('@nobody')).toBeUndefined();
    expect(p.size).toBe(3);
  });
});

describe('RoomMembers', () => {
  test('answers like a Map of the same members: lookups, size, order of every iterator', () => {
    const list = ['@c', '@a', '@@x', '@b', 'filehelper', '@aa'].map((u, i) => member(u, i === 2 ? 'X' : ''));
    const people = new People();
    people.idOf('@outsider', 'O');
    const map = room(people, list);
    const ref = reference(list);
    expect(map.size).toBe(ref.size);
    for (const key of [...ref.keys(), '@', '@ab', '@z', '', 'zzz', '@0', '@outsider']) {
      expect(map.get(key)).toEqual(ref.get(key));
      expect(map.has(key)).toBe(ref.has(key));
    }
    expect([...map.keys()]).toEqual([...ref.keys()]);
    expect(Array.from({ length: map.size }, (_, i) => map.userNameAt(i))).toEqual([...ref.keys()]);
    expect([...map.values()]).toEqual([...ref.values()]);
    expect([...map.entries()]).toEqual([...ref.entries()]);
    expect([...map]).toEqual([...ref]);
    expect(new Map(map)).toEqual(ref);
    const seen: [string, RoomMember, unknown][] = [];
    map.forEach(function (this: unknown, v, k, m) {
      seen.push([k, v, m === map ? this : 'wrong map']);
    }, 'ctx');
    expect(seen).toEqual([...ref].map(([k, v]) => [k, v, 'ctx']));
    expect(Object.prototype.toString.call(map)).toBe('[object RoomMembers]');
  });

  test('a value read is a copy: changing it changes nothing held', () => {
    const map = room(new People(), [member('@a', 'A')]);
    const got = map.get('@a') as { displayName: string };
    got.displayName = 'changed';
    expect(map.get('@a')?.displayName).toBe('A');
  });

  test('duplicate UserNames: first position, last value (as Map#set), also when the name changed between them', () => {
    const list = [member('@b', 'old'), member('@a'), member('@b', 'new', 'B2'), member('@a', 'again'), member('@c')];
    const map = room(new People(), list);
    expect([...map]).toEqual([...reference(list)]);
    expect(map.get('@b')).toEqual({ userName: '@b', nickName: 'B2', displayName: 'new' });
    expect(map.size).toBe(3);
  });

  test('empty, and not affected by later changes to the array it was built from', () => {
    const people = new People();
    expect(room(people, []).get('@a')).toBeUndefined();
    expect(room(people, []).size).toBe(0);
    const entries = [{ id: people.idOf('@a', 'A'), displayName: '' }];
    const map = new RoomMembers(people, entries);
    entries.push({ id: people.idOf('@b', 'B'), displayName: '' });
    expect(map.has('@b')).toBe(false);
    expect(map.size).toBe(1);
  });

  test('a room listed before a rename keeps the old name; one listed after has the new one; both find the person', () => {
    const people = new People();
    const before = room(people, [member('@x'), member('@s', '', 'Sam')]);
    const after = room(people, [member('@s', '', 'Samuel')]);
    expect(before.get('@s')?.nickName).toBe('Sam');
    expect(before.has('@s')).toBe(true);
    expect(after.get('@s')?.nickName).toBe('Samuel');
    // Someone renamed but not in this room is still absent.
    const other = room(people, [member('@x')]);
    expect(other.has('@s')).toBe(false);
  });

  test('finds every member when the People table outgrows 16-bit ids', () => {
    const people = new People();
    for (let i = 0; i < 70_000; i++) people.idOf(`@p${i}`, '');
    const list = Array.from({ length: 500 }, (_, i) => member(`@${(i * 7919).toString(16).padStart(8, '0')}`));
    const map = room(people, list);
    expect(map.size).toBe(500);
    for (const m of list) if (map.get(m.userName)?.nickName !== m.nickName) throw new Error(`lost ${m.userName}`);
    expect(map.get('@ffffffff0')).toBeUndefined();
    expect(map.get('@p5')).toBeUndefined();
  });
});
