import { MemberMap } from '../../src/contact/members.js';
import type { RoomMember } from '../../src/contact/types.js';

const member = (userName: string, displayName = ''): RoomMember => ({
  userName,
  nickName: `n${userName}`,
  displayName,
});

/** The Map a MemberMap stands for: same entries, same order, Map#set semantics. */
const reference = (list: RoomMember[]) => new Map(list.map((m) => [m.userName, m]));

describe('MemberMap', () => {
  test('answers like a Map of the same members: lookups, size, order of every iterator', () => {
    const list = ['@c', '@a', '@@x', '@b', 'filehelper', '@aa'].map((u) => member(u));
    const map = new MemberMap(list);
    const ref = reference(list);
    expect(map.size).toBe(ref.size);
    for (const key of [...ref.keys(), '@', '@ab', '@z', '', 'zzz', '@0']) {
      expect(map.get(key)).toBe(ref.get(key));
      expect(map.has(key)).toBe(ref.has(key));
    }
    expect([...map.keys()]).toEqual([...ref.keys()]);
    expect([...map.values()]).toEqual([...ref.values()]);
    expect([...map.entries()]).toEqual([...ref.entries()]);
    expect([...map]).toEqual([...ref]);
    expect(new Map(map)).toEqual(ref);
    const seen: [string, RoomMember, unknown][] = [];
    map.forEach(function (this: unknown, v, k, m) {
      seen.push([k, v, m === map ? this : 'wrong map']);
    }, 'ctx');
    expect(seen).toEqual([...ref].map(([k, v]) => [k, v, 'ctx']));
  });

  test('duplicate UserNames: first position, last value (as Map#set)', () => {
    const list = [member('@b', 'old'), member('@a'), member('@b', 'new'), member('@a', 'again')];
    const map = new MemberMap(list);
    expect([...map]).toEqual([...reference(list)]);
    expect(map.get('@b')?.displayName).toBe('new');
    expect(map.size).toBe(2);
  });

  test('empty, and not affected by later changes to the array it was built from', () => {
    expect(new MemberMap([]).get('@a')).toBeUndefined();
    expect(new MemberMap([]).size).toBe(0);
    const list = [member('@a')];
    const map = new MemberMap(list);
    list.push(member('@b'));
    expect(map.has('@b')).toBe(false);
    expect(map.size).toBe(1);
  });

  test('ids that end alike (equal numeric keys) are still found, and only they', () => {
    const list = Array.from({ length: 300 }, (_, i) => member(`@${(i * 37) % 300}_tail`));
    list.push(member('@'), member('ab'), member('@\u4e2d\u6587\u540d'));
    const map = new MemberMap(list);
    const ref = reference(list);
    for (const m of list) expect(map.get(m.userName)).toBe(m);
    for (const absent of ['@300_tail', '@_tail', 'tail', '@0_tai', '@\u4e2d\u6587', 'b', ''])
      expect(map.has(absent)).toBe(ref.has(absent));
  });

  test('finds every member of a room larger than a 16-bit index holds', () => {
    const list = Array.from({ length: 70_000 }, (_, i) => member(`@${(i * 7919).toString(16).padStart(8, '0')}`));
    const map = new MemberMap(list);
    expect(map.size).toBe(70_000);
    for (const m of list) if (map.get(m.userName) !== m) throw new Error(`lost ${m.userName}`);
    expect(map.get('@ffffffff0')).toBeUndefined();
  });
});
