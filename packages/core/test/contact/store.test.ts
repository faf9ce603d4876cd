import { MemoryContactStore } from '../../src/contact/store.js';
import type { RawContact } from '../../src/wire/types.js';

function person(i: number, extra: Partial<RawContact> = {}): RawContact {
  return { UserName: `@u${i.toString(16).padStart(32, '0')}`, NickName: `n${i}`, ContactFlag: 3, ...extra };
}

describe('MemoryContactStore', () => {
  it('classifies, looks up by UserName, stable id and room member; keeps members on a room update without them', () => {
    const s = new MemoryContactStore();
    s.setSelf({ UserName: '@self', NickName: 'me', Uin: 7 });
    s.upsert(person(1, { Alias: 'alice_w' }));
    s.upsert({ UserName: 'filehelper', NickName: 'File' });
    s.upsert({
      UserName: '@@room',
      NickName: 'R',
      EncryChatRoomId: '@abc',
      MemberList: [{ UserName: '@m1', NickName: 'M1', DisplayName: 'D1' }],
    });
    expect(s.self.kind).toBe('self');
    expect(s.contact(person(1).UserName)).toMatchObject({
      kind: 'friend',
      stableId: 'alias:alice_w',
      stableIdConfidence: 'alias',
    });
    expect(s.contact('filehelper')).toMatchObject({ kind: 'special', stableId: 'filehelper' });
    expect(s.room('@@room')).toMatchObject({ topic: 'R', stableId: 'encry:@abc', stableIdConfidence: 'encry-room-id' });
    expect(s.member('@@room', '@m1')?.displayName).toBe('D1');
    s.upsert({ UserName: '@@room', NickName: 'R2' });
    expect(s.room('@@room')?.topic).toBe('R2');
    expect(s.members('@@room').size).toBe(1);
    s.setMembers('@@room', [{ UserName: '@m2' }]);
    expect([...s.members('@@room').keys()]).toEqual(['@m2']);
    expect(s.remove('@@room')).toBe(true);
    expect(s.byStableId('encry:@abc')).toBeUndefined();
  });

  it('MsgType 51 pairs upgrade stable ids to wxid confidence', () => {
    const s = new MemoryContactStore();
    s.setSelf({ UserName: '@self' });
    s.upsert(person(2));
    expect(s.contact(person(2).UserName)?.stableIdConfidence).toBe('weak');
    expect(s.applyPairs([{ stableId: 'wxid_two', userName: person(2).UserName }])).toEqual([person(2).UserName]);
    expect(s.byStableId('wxid_two')?.userName).toBe(person(2).UserName);
    expect(s.contact(person(2).UserName)?.stableIdConfidence).toBe('wxid');
  });

  it('keeps members once: not in the room raw, and an update without a list keeps the same members', () => {
    const s = new MemoryContactStore();
    s.setSelf({ UserName: '@self' });
    s.upsert({
      UserName: '@@room',
      NickName: 'R',
      MemberCount: 2,
      MemberList: [{ UserName: '@m1' }, { UserName: '@m2' }],
    });
    const before = s.room('@@room')!;
    expect(before.raw).toEqual({ UserName: '@@room', NickName: 'R', MemberCount: 2 });
    s.upsert({ UserName: '@@room', NickName: 'R2', MemberList: [] });
    expect(s.room('@@room')?.members).toBe(before.members);
    expect(s.room('@@room')?.topic).toBe('R2');
    // applyPairs re-reads the stored raw, which has no MemberList: members must survive it.
    s.applyPairs([{ stableId: 'room@chatroom', userName: '@@room' }]);
    expect([...s.members('@@room').keys()]).toEqual(['@m1', '@m2']);
    s.setMembers('@@room', [{ UserName: '@m3' }], 9);
    expect(s.room('@@room')?.raw).toMatchObject({ NickName: 'R2', MemberCount: 9 });
    expect(s.room('@@room')?.raw.MemberList).toBeUndefined();
    expect([...s.members('@@room').keys()]).toEqual(['@m3']);
    // The snapshot taken before the update is unchanged.
    expect([...before.members.keys()]).toEqual(['@m1', '@m2']);
  });

  it('holds each person once across rooms, with a room name only where the room gives one', () => {
    const s = new MemoryContactStore();
    s.setSelf({ UserName: '@self' });
    const alice = person(1, { NickName: 'Alice' });
    s.upsert(alice);
    const list = (display: string) => [
      { UserName: alice.UserName, NickName: 'Alice', DisplayName: display },
      { UserName: '@stranger', NickName: 'Sam', DisplayName: '' },
    ];
    s.upsert({ UserName: '@@a', NickName: 'A', MemberList: list('') });
    s.upsert({ UserName: '@@b', NickName: 'B', MemberList: list('') });
    s.upsert({ UserName: '@@c', NickName: 'C', MemberList: list('Boss') });
    const inA = s.member('@@a', alice.UserName)!;
    expect(inA).toEqual({ userName: alice.UserName, nickName: 'Alice', displayName: '' });
    expect(s.member('@@b', alice.UserName)).toEqual(inA);
    expect(s.member('@@b', '@stranger')).toEqual({ userName: '@stranger', nickName: 'Sam', displayName: '' });
    expect(s.member('@@c', alice.UserName)).toEqual({
      userName: alice.UserName,
      nickName: 'Alice',
      displayName: 'Boss',
    });
    expect(s.member('@@c', '@stranger')).toEqual(s.member('@@a', '@stranger'));
    // A member who is also a contact shares the contact's strings (no copy per room).
    expect(Object.is(inA.userName, s.contact(alice.UserName)?.userName)).toBe(true);
    expect(Object.is(inA.nickName, s.contact(alice.UserName)?.nickName)).toBe(true);
    // A renamed person gets the new name in lists that carry it; other rooms keep theirs until updated.
    s.setMembers('@@b', [{ UserName: '@stranger', NickName: 'Samuel' }]);
    expect(s.member('@@b', '@stranger')?.nickName).toBe('Samuel');
    expect(s.member('@@a', '@stranger')?.nickName).toBe('Sam');
    s.clear();
    s.setSelf({ UserName: '@self' });
    s.upsert({ UserName: '@@a', NickName: 'A', MemberList: [{ UserName: '@stranger', NickName: 'Sam' }] });
    expect(s.member('@@a', '@stranger')?.nickName).toBe('Sam');
  });

  it('answers lookups for 10k contacts and 500-member rooms from maps (measured, not asserted)', () => {
    const s = new MemoryContactStore();
    s.setSelf({ UserName: '@self' });
    for (let i = 0; i < 10_000; i++) s.upsert(person(i, { Alias: `a${i}` }));
    const members = Array.from({ length: 500 }, (_, i) => ({ UserName: person(i).UserName, DisplayName: `d${i}` }));
    for (let r = 0; r < 20; r++) s.upsert({ UserName: `@@room${r}`, NickName: `room${r}`, MemberList: members });
    expect(s.size).toBe(10_021);
    const t0 = process.hrtime.bigint();
    let hits = 0;
    for (let k = 0; k < 100_000; k++) {
      const i = k % 10_000;
      if (s.contact(person(i).UserName)) hits++;
      if (s.member(`@@room${k % 20}`, person(k % 500).UserName)) hits++;
      if (s.byStableId(`alias:a${i}`)) hits++;
    }
    const ns = Number(process.hrtime.bigint() - t0) / 300_000;
    expect(hits).toBe(300_000);
    // Reported for the record (shared machines are noisy; no wall-clock assertion).
    console.info(`contact store: ${ns.toFixed(0)} ns per lookup over 10k contacts / 500-member rooms`);
  });
});

describe('MemoryContactStore names', () => {
  const MOON = '<span class="emoji emoji1f31b"></span>';

  function store(): MemoryContactStore {
    const s = new MemoryContactStore();
    s.setSelf({ UserName: '@self', NickName: `Bot ${MOON}` });
    s.upsert(person(1, { NickName: `Dave ${MOON}`, RemarkName: 'Tom &amp; Jerry' }));
    s.upsert(person(2, { NickName: 'Plain' }));
    s.upsert({
      UserName: '@@room',
      NickName: `Moon &amp; Stars ${MOON}`,
      MemberList: [
        { UserName: person(1).UserName, NickName: `Dave ${MOON}`, DisplayName: `&lt;Dave&gt; ${MOON}` },
        { UserName: '@m2', NickName: 'A&#39;s', DisplayName: '' },
      ],
    });
    return s;
  }

  it('holds display text (emoji spans → Unicode, entities decoded) and keeps the markup in the contact raw', () => {
    const s = store();
    const dave = s.contact(person(1).UserName)!;
    expect(dave.nickName).toBe('Dave 🌛');
    expect(dave.remarkName).toBe('Tom & Jerry');
    expect(dave.raw.NickName).toBe(`Dave ${MOON}`);
    expect(dave.raw.RemarkName).toBe('Tom &amp; Jerry');
    expect(s.self.nickName).toBe('Bot 🌛');
    const room = s.room('@@room')!;
    expect(room.topic).toBe('Moon & Stars 🌛');
    expect(room.nickName).toBe('Moon & Stars 🌛');
    expect(room.raw.NickName).toBe(`Moon &amp; Stars ${MOON}`);
    const member = s.member('@@room', person(1).UserName)!;
    expect(member).toEqual({ userName: person(1).UserName, nickName: 'Dave 🌛', displayName: '<Dave> 🌛' });
    expect(s.member('@@room', '@m2')).toMatchObject({ nickName: "A's", displayName: '' });
  });

  it('cleans names again on updates and member list replacement', () => {
    const s = store();
    s.upsert({ UserName: '@@room', NickName: `New ${MOON}` });
    expect(s.room('@@room')?.topic).toBe('New 🌛');
    // Members kept from the previous record are cleaned, not double-decoded raw.
    expect(s.member('@@room', person(1).UserName)?.displayName).toBe('<Dave> 🌛');
    s.setMembers('@@room', [{ UserName: '@m3', NickName: `Eve ${MOON}`, DisplayName: 'E&amp;E' }]);
    expect(s.member('@@room', '@m3')).toMatchObject({ nickName: 'Eve 🌛', displayName: 'E&E' });
    expect(s.room('@@room')?.topic).toBe('New 🌛');
  });

  it('findByName matches display text, and markup names after cleaning them', () => {
    const s = store();
    const dave = person(1).UserName;
    expect(s.findByName('Dave 🌛').map((c) => c.userName)).toEqual([dave]);
    expect(s.findByName('Tom & Jerry').map((c) => c.userName)).toEqual([dave]);
    expect(s.findByName(`Dave ${MOON}`).map((c) => c.userName)).toEqual([dave]);
    expect(s.findByName('Moon & Stars 🌛').map((c) => c.userName)).toEqual(['@@room']);
    expect(s.findByName('Dave')).toEqual([]);
    // An empty name would otherwise match every contact without a remark.
    expect(s.findByName('')).toEqual([]);
  });

  it('keeps weak stable ids built from the raw name, so ids stored before this change still match', () => {
    const s = store();
    expect(s.contact(person(1).UserName)?.stableId).toBe('weak:friend:Tom &amp; Jerry');
  });
});
