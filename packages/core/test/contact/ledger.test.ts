import { IdentityLedger, avatarFingerprint, type LedgerDoc } from '../../src/contact/ledger.js';
import { MemoryContactStore } from '../../src/contact/store.js';
import type { RawContact } from '../../src/wire/types.js';

const UIN = 2100000001;
const head = (seq: number, user: string) =>
  `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=${seq}&username=${user}&skey=@crypt_x`;

function person(userName: string, nick: string, extra: Partial<RawContact> = {}): RawContact {
  return {
    UserName: userName,
    NickName: nick,
    RemarkName: '',
    HeadImgUrl: head(7, userName),
    ContactFlag: 3,
    ...extra,
  };
}

/** One login: self plus `contacts`, MsgType 51 `pairs`, then reconcile against `ledger`. */
function login(ledger: IdentityLedger, contacts: RawContact[], pairs: { stableId: string; userName: string }[] = []) {
  const store = new MemoryContactStore();
  store.ledger = ledger;
  store.setSelf({ UserName: '@self', NickName: 'Bot', Uin: UIN });
  for (const c of contacts) store.upsert(c);
  store.applyPairs(pairs);
  store.reconcile();
  return store;
}

test('avatarFingerprint keeps the seq, drops the per-session username and skey', () => {
  expect(avatarFingerprint(head(123, '@a'))).toBe('123');
  expect(avatarFingerprint(head(123, '@b'))).toBe('123');
  expect(avatarFingerprint('/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=0&username=@@x')).toBe('');
  expect(avatarFingerprint(undefined)).toBe('');
});

test('a second login with new UserNames and no pairings gets the wxids back, with strong, medium and weak confidence', () => {
  const ledger = new IdentityLedger();
  const first = login(
    ledger,
    [
      person('@a1', 'Alice', { Alias: 'alice_w' }),
      person('@c1', '小红', { RemarkName: 'Carol' }),
      person('@b1', 'Bob'),
    ],
    [
      { stableId: 'wxid_alice', userName: '@a1' },
      { stableId: 'wxid_carol', userName: '@c1' },
      { stableId: 'wxid_bob', userName: '@b1' },
    ],
  );
  expect(first.contact('@c1')).toMatchObject({ stableId: 'wxid_carol', stableIdConfidence: 'wxid' });
  // Through the saved document, as across processes.
  const saved = JSON.parse(JSON.stringify(ledger.toDoc(UIN))) as LedgerDoc;
  const next = new IdentityLedger();
  next.load(saved, UIN);
  const second = login(next, [
    person('@a2', 'Alice', { Alias: 'alice_w' }),
    person('@c2', '小红', { RemarkName: 'Carol' }),
    person('@b2', 'Bob'),
  ]);
  expect(second.contact('@a2')).toMatchObject({ stableId: 'wxid_alice', stableIdConfidence: 'alias' });
  expect(second.contact('@c2')).toMatchObject({ stableId: 'wxid_carol', stableIdConfidence: 'remark-avatar' });
  expect(second.contact('@b2')).toMatchObject({ stableId: 'wxid_bob', stableIdConfidence: 'weak' });
  expect(second.byStableId('wxid_bob')?.userName).toBe('@b2');
});

test('two contacts claiming one ledger id: neither gets it', () => {
  const ledger = new IdentityLedger();
  login(ledger, [person('@c1', 'x', { RemarkName: 'Carol' })], [{ stableId: 'wxid_carol', userName: '@c1' }]);
  const second = login(ledger, [
    person('@c2', 'x', { RemarkName: 'Carol' }),
    person('@c3', 'y', { RemarkName: 'Carol' }),
  ]);
  expect(second.contact('@c2')?.stableId).toBe('weak:friend:Carol');
  expect(second.contact('@c3')?.stableId).toBe('weak:friend:Carol');
  expect(second.byStableId('wxid_carol')).toBeUndefined();
});

test('an id another contact holds strongly is not given, and a later pairing takes a guessed id back', () => {
  const ledger = new IdentityLedger();
  login(ledger, [person('@b1', 'Bob')], [{ stableId: 'wxid_bob', userName: '@b1' }]);
  // Paired this login to someone else entirely: the namesake must not share the id.
  const held = login(ledger, [person('@b2', 'Bob'), person('@z2', 'Zed')], [{ stableId: 'wxid_bob', userName: '@z2' }]);
  expect(held.contact('@z2')?.stableId).toBe('wxid_bob');
  expect(held.contact('@b2')?.stableId).toBe('weak:friend:Bob');

  const fresh = new IdentityLedger();
  login(fresh, [person('@b1', 'Bob')], [{ stableId: 'wxid_bob', userName: '@b1' }]);
  const guessed = login(fresh, [person('@b2', 'Bob'), person('@z2', 'Zed')]);
  expect(guessed.contact('@b2')?.stableId).toBe('wxid_bob');
  guessed.applyPairs([{ stableId: 'wxid_bob', userName: '@z2' }]);
  expect(guessed.contact('@z2')?.stableId).toBe('wxid_bob');
  expect(guessed.contact('@b2')?.stableId).toBe('weak:friend:Bob');
});

test('a ledger of another account is ignored, a broken one too, and the size is bounded (oldest first)', () => {
  const ledger = new IdentityLedger({ limit: 2 });
  login(
    ledger,
    [person('@a', 'A'), person('@b', 'B'), person('@c', 'C')],
    [
      { stableId: 'wxid_a', userName: '@a' },
      { stableId: 'wxid_b', userName: '@b' },
      { stableId: 'wxid_c', userName: '@c' },
    ],
  );
  expect(ledger.size).toBe(2);
  expect(ledger.get('wxid_a')).toBeUndefined();
  const doc = ledger.toDoc(UIN);
  const other = new IdentityLedger();
  other.load(doc, UIN + 1);
  expect(other.size).toBe(0);
  other.load({ version: 2, uin: UIN, entries: doc.entries }, UIN);
  expect(other.size).toBe(0);
  other.load(doc, UIN);
  expect(other.size).toBe(2);
});

test('entries come back as learned, rooms in order and avatar as its digits, through get, toDoc and load, past 65,536 distinct rooms', () => {
  const ledger = new IdentityLedger();
  const friend = (n: number, seq: string) =>
    ({
      userName: `@u${n}`,
      stableId: `wxid_${n}`,
      stableIdConfidence: 'wxid',
      kind: 'friend',
      nickName: `N${n}`,
      remarkName: '',
      alias: n % 2 === 0 ? `al${n}` : '',
      raw: { UserName: `@u${n}`, HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=${seq}&username=@u${n}` },
    }) as const;
  // 4,200 people in 16 rooms of their own each: 67,200 rooms, more than 16-bit codes can name.
  const roomsOf = (n: number) => Array.from({ length: 16 }, (_, i) => `${n * 16 + i}@chatroom`);
  const seqs = ['123', '0042', '99999999999', '7'];
  for (let n = 0; n < 4_200; n++) ledger.learn(friend(n, seqs[n % 4]!), roomsOf(n));
  // Learned again with the same rooms: unchanged, so not re-inserted.
  ledger.learn(friend(0, '123'), roomsOf(0));
  const expected = (n: number) => ({
    id: `wxid_${n}`,
    kind: 'friend',
    alias: n % 2 === 0 ? `al${n}` : '',
    remark: '',
    nick: `N${n}`,
    avatar: seqs[n % 4],
    rooms: roomsOf(n),
    seen: expect.any(Number) as unknown,
  });
  for (const n of [0, 1, 2, 3, 4_095, 4_096, 4_199]) expect(ledger.get(`wxid_${n}`)).toEqual(expected(n));
  const doc = JSON.parse(JSON.stringify(ledger.toDoc(UIN))) as LedgerDoc;
  expect(doc.entries.map((e) => e.id)).toEqual(Array.from({ length: 4_200 }, (_, n) => `wxid_${n}`));
  const next = new IdentityLedger();
  next.load(doc, UIN);
  expect(next.toDoc(UIN)).toEqual(doc);
  // A second login: a namesake in one of the rooms the entry names is recognised (rooms break the tie).
  ledger.learn({ ...friend(5_000, '1'), nickName: 'N4100' }, ['elsewhere@chatroom']);
  const again = new IdentityLedger();
  again.load(ledger.toDoc(UIN), UIN);
  const twin = login(again, [
    { UserName: '@n1', NickName: 'N4100', RemarkName: '', ContactFlag: 3 },
    { UserName: roomsOf(4_100)[3]!, NickName: 'room', MemberList: [{ UserName: '@n1', NickName: 'N4100' }] },
  ]);
  expect(twin.contact('@n1')).toMatchObject({ stableId: 'wxid_4100', stableIdConfidence: 'weak' });
});
