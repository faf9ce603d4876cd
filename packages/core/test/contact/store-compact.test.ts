import { MemoryContactStore } from '../../src/contact/store.js';
import type { RawContact, RawMember } from '../../src/wire/types.js';

/** A full webwxgetcontact record, as the simulator and Web WeChat send it. */
function wirePerson(i: number, extra: Partial<RawContact> = {}): RawContact {
  const userName = `@${i.toString(16).padStart(64, '0')}`;
  return {
    Uin: 0,
    UserName: userName,
    NickName: `Nick ${i}`,
    HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=${700 + i}&username=${userName}&skey=@crypt_ab12_cd34`,
    ContactFlag: 3,
    MemberCount: 0,
    MemberList: [],
    RemarkName: i % 2 ? `Remark ${i}` : '',
    HideInputBarFlag: 0,
    Sex: 1,
    Signature: 'hi',
    VerifyFlag: 0,
    OwnerUin: 0,
    PYInitial: 'NICK',
    PYQuanPin: `nick${i}`,
    RemarkPYInitial: '',
    RemarkPYQuanPin: '',
    StarFriend: 0,
    AppAccountFlag: 0,
    Statues: 0,
    AttrStatus: 4133,
    Province: '广东',
    City: '深圳',
    Alias: `alias_${i}`,
    SnsFlag: 17,
    UniFriend: 0,
    DisplayName: '',
    ChatRoomId: 0,
    KeyWord: 'wxi',
    EncryChatRoomId: '',
    IsOwner: 0,
    ...extra,
  };
}

const member = (i: number, displayName = ''): RawMember => ({
  UserName: wirePerson(i).UserName,
  NickName: `Nick ${i}`,
  DisplayName: displayName,
  AttrStatus: 4133,
  PYInitial: '',
  KeyWord: 'wxi',
});

function loggedIn(): MemoryContactStore {
  const s = new MemoryContactStore();
  s.setSelf({ UserName: '@self', NickName: 'Bot', Uin: 42 });
  return s;
}

describe('MemoryContactStore, compact records', () => {
  test('raw keeps the fields anything reads, rebuilt exactly (HeadImgUrl included), and drops the rest', () => {
    const s = loggedIn();
    const wire = wirePerson(5);
    const c = s.upsert(wire);
    const { MemberList, MemberCount, EncryChatRoomId, ...personFields } = wire;
    expect([MemberList, MemberCount, EncryChatRoomId]).toEqual([[], 0, '']);
    const kept = [
      'Uin',
      'UserName',
      'NickName',
      'HeadImgUrl',
      'ContactFlag',
      'RemarkName',
      'VerifyFlag',
      'Sex',
      'Signature',
      'Province',
      'City',
      'Alias',
    ];
    expect(c.raw).toEqual(Object.fromEntries(kept.map((k) => [k, personFields[k as keyof typeof personFields]])));
    expect(c.raw.HeadImgUrl).toBe(wire.HeadImgUrl);
    for (const dropped of ['PYQuanPin', 'KeyWord', 'OwnerUin', 'AttrStatus', 'MemberList'] as const)
      expect(c.raw[dropped]).toBeUndefined();
    // A fresh object per read: a plugin mutating it changes nothing stored.
    (c.raw as { NickName?: string }).NickName = 'changed';
    expect(s.contact(wire.UserName)?.raw.NickName).toBe('Nick 5');
  });

  test('the profile (Sex, Signature, Province, City) comes back as it came, absent fields absent', () => {
    const s = loggedIn();
    s.upsert({ UserName: '@p1', Sex: 2, Signature: '=-x-=', City: '' });
    s.upsert({ UserName: '@p2', Province: 'Zürich' });
    s.upsert({ UserName: '@p3', NickName: 'none' });
    expect(s.contact('@p1')?.raw).toMatchObject({ Sex: 2, Signature: '=-x-=', City: '' });
    expect(s.contact('@p1')?.raw.Province).toBeUndefined();
    expect(s.contact('@p2')?.raw).toMatchObject({ Province: 'Zürich' });
    expect(['Sex', 'Signature', 'City'].filter((k) => k in s.contact('@p2')!.raw)).toEqual([]);
    expect(['Sex', 'Signature', 'Province', 'City'].filter((k) => k in s.contact('@p3')!.raw)).toEqual([]);
  });

  test('HeadImgUrls that do not fit the template (other user, no seq, odd seq) come back unchanged', () => {
    const s = loggedIn();
    const odd = [
      '/cgi-bin/mmwebwx-bin/webwxgeticon?seq=12&username=@someoneelse&skey=x',
      '/cgi-bin/mmwebwx-bin/webwxgeticon?username=@u&skey=x',
      '/cgi-bin/mmwebwx-bin/webwxgeticon?seq=007&username=@u1',
      'https://wx.qlogo.cn/mmhead/abc/0',
      '',
    ];
    odd.forEach((url, i) => s.upsert({ UserName: `@u${i}`, HeadImgUrl: url }));
    odd.forEach((url, i) => expect(s.contact(`@u${i}`)?.raw.HeadImgUrl).toBe(url));
    // No skey part: the template has an empty tail.
    s.upsert({ UserName: '@@r', HeadImgUrl: '/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=9&username=@@r&skey=' });
    s.upsert({ UserName: '@@q', HeadImgUrl: '/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=9&username=@@q' });
    expect(s.contact('@@r')?.raw.HeadImgUrl).toBe('/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=9&username=@@r&skey=');
    expect(s.contact('@@q')?.raw.HeadImgUrl).toBe('/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=9&username=@@q');
    expect(s.contact('@u9')).toBeUndefined();
  });

  test('a room raw has its room fields and no MemberList; JSON shows contacts as plain records with raw', () => {
    const s = loggedIn();
    s.upsert(wirePerson(1));
    const room = s.upsert({
      UserName: '@@room',
      NickName: 'R',
      MemberCount: 2,
      EncryChatRoomId: '@e1',
      ChatRoomOwner: wirePerson(1).UserName,
      MemberList: [member(1), member(2, 'Two')],
    });
    expect(room.raw).toEqual({
      UserName: '@@room',
      NickName: 'R',
      MemberCount: 2,
      EncryChatRoomId: '@e1',
      ChatRoomOwner: wirePerson(1).UserName,
    });
    const json = JSON.parse(JSON.stringify(s.contact(wirePerson(1).UserName))) as Record<string, unknown>;
    expect(json).toMatchObject({
      userName: wirePerson(1).UserName,
      kind: 'friend',
      nickName: 'Nick 1',
      alias: 'alias_1',
    });
    expect(json['raw']).toMatchObject({ HeadImgUrl: wirePerson(1).HeadImgUrl, Alias: 'alias_1' });
    expect(Object.keys(json).sort()).toEqual(
      ['alias', 'kind', 'nickName', 'raw', 'remarkName', 'stableId', 'stableIdConfidence', 'userName'].sort(),
    );
    expect(JSON.parse(JSON.stringify(s.room('@@room')))).toMatchObject({
      topic: 'R',
      ownerUserName: room.raw.ChatRoomOwner,
    });
  });

  test('lookups by UserName, stable id and name follow updates, re-keys and removal', () => {
    const s = loggedIn();
    for (let i = 0; i < 50; i++) s.upsert(wirePerson(i));
    const u7 = wirePerson(7).UserName;
    expect(s.byStableId('alias:alias_7')?.userName).toBe(u7);
    expect(s.findByName('Nick 7').map((c) => c.userName)).toEqual([u7]);
    expect(s.findByName('Remark 7').map((c) => c.userName)).toEqual([u7]);
    // ModContactList: new alias and nick name; the old stable id and name no longer find it.
    s.upsert(wirePerson(7, { Alias: 'renamed_7', NickName: 'Seven', RemarkName: '' }));
    expect(s.byStableId('alias:alias_7')).toBeUndefined();
    expect(s.byStableId('alias:renamed_7')?.nickName).toBe('Seven');
    expect(s.findByName('Nick 7')).toEqual([]);
    expect(s.findByName('Seven')).toHaveLength(1);
    expect(s.contact(u7)?.raw).toMatchObject({ Alias: 'renamed_7', NickName: 'Seven', RemarkName: '' });
    expect(s.remove(u7)).toBe(true);
    expect(s.contact(u7)).toBeUndefined();
    expect(s.byStableId('alias:renamed_7')).toBeUndefined();
    expect(s.findByName('Seven')).toEqual([]);
    expect(s.remove(u7)).toBe(false);
    expect(s.size).toBe(50);
  });

  test('member lists from batchgetcontact and ModContactList stay in sync with the room, count changes included', () => {
    const s = loggedIn();
    for (let i = 0; i < 6; i++) s.upsert(wirePerson(i));
    const list = [member(0), member(1, 'One'), member(2)];
    // webwxinit lists the room without members; batchgetcontact fills them in.
    s.upsert({ UserName: '@@g', NickName: 'G', MemberCount: 0, MemberList: [] });
    expect(s.members('@@g').size).toBe(0);
    s.setMembers('@@g', list, 3);
    expect([...s.members('@@g').keys()]).toEqual(list.map((m) => m.UserName));
    expect(s.member('@@g', member(1).UserName)).toEqual({
      userName: member(1).UserName,
      nickName: 'Nick 1',
      displayName: 'One',
    });
    expect(s.room('@@g')?.raw.MemberCount).toBe(3);
    // ModContactList: one left, two joined, one changed their room name and nick name.
    const next = [member(0), { ...member(2), NickName: 'Two!', DisplayName: 'Deux' }, member(4), member(5)];
    s.upsert({ UserName: '@@g', NickName: 'G2', MemberCount: 4, MemberList: next });
    const room = s.room('@@g')!;
    expect(room.members.size).toBe(4);
    expect(room.raw.MemberCount).toBe(4);
    expect(room.members.has(member(1).UserName)).toBe(false);
    expect(s.member('@@g', member(2).UserName)).toEqual({
      userName: member(2).UserName,
      nickName: 'Two!',
      displayName: 'Deux',
    });
    expect(s.member('@@g', member(5).UserName)?.displayName).toBe('');
    // A second room listed before the rename keeps the name it was given.
    s.setMembers('@@h', [member(3)]);
    expect(s.members('@@h').size).toBe(1);
    expect(s.room('@@h')?.raw.MemberCount).toBe(1);
    // A room update without a list keeps its members and count in raw only as sent.
    s.upsert({ UserName: '@@g', NickName: 'G3' });
    expect(s.members('@@g').size).toBe(4);
    expect(s.room('@@g')?.topic).toBe('G3');
    // Removing the room drops its members with it.
    s.remove('@@g');
    expect(s.members('@@g').size).toBe(0);
    expect(s.member('@@g', member(0).UserName)).toBeUndefined();
  });

  test('a new login starts a fresh table; rooms handed out before keep answering with their own members', () => {
    const s = loggedIn();
    s.upsert({ UserName: '@@g', MemberList: [member(1)] });
    const old = s.room('@@g')!;
    s.clear();
    s.setSelf({ UserName: '@self2' });
    s.upsert({ UserName: '@@g', MemberList: [{ ...member(1), NickName: 'New name' }, member(2)] });
    expect(old.members.get(member(1).UserName)?.nickName).toBe('Nick 1');
    expect(old.members.size).toBe(1);
    expect(s.member('@@g', member(1).UserName)?.nickName).toBe('New name');
    expect(s.members('@@g').size).toBe(2);
  });

  test('members are found whether or not they are contacts, as contacts come, go, are updated and rename', () => {
    const s = loggedIn();
    s.upsert(wirePerson(1));
    // 1 is a contact, 2 a stranger when the list comes.
    s.setMembers('@@g', [member(1), member(2, 'Two')]);
    const u1 = member(1).UserName;
    const u2 = member(2).UserName;
    // The stranger becomes a contact, the contact is updated, then removed (DelContact): still members.
    s.upsert(wirePerson(2));
    s.upsert(wirePerson(1, { RemarkName: 'changed' }));
    expect(s.remove(u1)).toBe(true);
    expect(s.member('@@g', u1)).toEqual({ userName: u1, nickName: 'Nick 1', displayName: '' });
    expect(s.member('@@g', u2)).toEqual({ userName: u2, nickName: 'Nick 2', displayName: 'Two' });
    // Back as a contact; then a new list renames both: the room listed before keeps the old names.
    s.upsert(wirePerson(1));
    const before = s.room('@@g')!;
    s.setMembers('@@h', [
      { ...member(1), NickName: 'One!' },
      { ...member(2), NickName: 'Two!' },
    ]);
    expect(before.members.get(u1)?.nickName).toBe('Nick 1');
    expect(before.members.get(u2)?.nickName).toBe('Nick 2');
    expect(s.member('@@h', u1)?.nickName).toBe('One!');
    expect(s.member('@@h', u2)?.nickName).toBe('Two!');
    // A list that comes again with the new names gives the same entries (no third one per person).
    s.setMembers('@@g', [{ ...member(1), NickName: 'One!' }]);
    expect(s.member('@@g', u1)?.nickName).toBe('One!');
    expect(s.member('@@g', u2)).toBeUndefined();
    expect(s.contact(u1)?.nickName).toBe('Nick 1');
  });

  test('a copy with the prototype but only own fields (how pino redaction clones) reads raw without throwing or leaking', () => {
    const s = loggedIn();
    const c = s.upsert(wirePerson(3));
    const blank: object = Object.create(Object.getPrototypeOf(c) as object) as object;
    const copy: typeof c = Object.assign(blank, c);
    expect(copy.raw).toEqual({ UserName: c.userName, NickName: 'Nick 3', RemarkName: 'Remark 3', Alias: 'alias_3' });
    expect(JSON.stringify(copy)).not.toContain('skey');
    expect(c.raw.HeadImgUrl).toContain('skey=@crypt_ab12_cd34');
  });

  test('self keeps Uin (its stable id) through the compact record', () => {
    const s = loggedIn();
    expect(s.self.raw).toEqual({ UserName: '@self', NickName: 'Bot', Uin: 42 });
    expect(s.self.stableId).toBe('uin:42');
    expect(s.self.kind).toBe('self');
  });
});
