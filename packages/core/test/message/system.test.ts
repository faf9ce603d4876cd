import { normalizeMessage } from '../../src/message/index.js';
import type { NormalizeResult, PersonRef, SystemMessage, SystemNotice } from '../../src/message/index.js';
import { ALICE, ANN, ANN_LEE, BOB, CAROL, KITTY, ROOM, SELF, fixture, worldDirectory } from './fixtures.js';

const directory = worldDirectory();

function run(name: string): NormalizeResult & { message: SystemMessage } {
  const result = normalizeMessage(fixture(`system_${name}`), { directory });
  expect(result.message.kind).toBe('system');
  return result as NormalizeResult & { message: SystemMessage };
}

// An intersection, not Extract: a notice interface may cover several types (PhoneOnlyNotice).
function notice<T extends SystemNotice['type']>(name: string, type: T): SystemNotice & { readonly type: T } {
  const n = run(name).message.notice;
  expect(n.type).toBe(type);
  return n as SystemNotice & { readonly type: T };
}

const self: PersonRef = { name: '你', userName: SELF, isSelf: true };
const person = (name: string, userName: string | undefined): PersonRef => ({ name, userName, isSelf: false });

describe('room joins', () => {
  it('zh: you invited several (names split on 、, trailing spaces ignored)', () => {
    expect(notice('zh_you_invited', 'room-join')).toEqual({
      type: 'room-join',
      inviter: self,
      invitees: [person('Ann', ANN), person('Ann Lee', ANN_LEE)],
      via: 'invite',
    });
  });

  it('zh: someone invited you, with the other members listed (they are not invitees)', () => {
    expect(notice('zh_other_invited_you_with_others', 'room-join')).toEqual({
      type: 'room-join',
      inviter: person('Alice Wong', ALICE),
      invitees: [self],
      via: 'invite',
    });
  });

  it('zh: someone invited you and another (room display name resolves the inviter)', () => {
    const n = notice('zh_other_invited_you_and_other', 'room-join');
    expect(n.inviter).toEqual(person('阿丽', ALICE));
    expect(n.invitees).toEqual([self, person('Bob', BOB)]);
  });

  it('zh: other invited other, with a stray space inside the quotes', () => {
    const n = notice('zh_other_invited_other', 'room-join');
    expect(n.inviter).toEqual(person('Bob', BOB));
    expect(n.invitees).toEqual([person('Ann', ANN)]);
  });

  it('zh: joined via your QR code; emoji name normalised and trimmed', () => {
    expect(notice('zh_qr_yours', 'room-join')).toEqual({
      type: 'room-join',
      inviter: self,
      invitees: [person('🐱Kitty', KITTY)],
      via: 'qrcode',
    });
  });

  it('en: you invited (comma list, trailing ". ")', () => {
    const n = notice('en_you_invited', 'room-join');
    expect(n.inviter).toEqual(self);
    expect(n.invitees.map((p) => p.userName)).toEqual([ANN, ANN_LEE]);
  });

  it('en: someone invited you to a group chat with others', () => {
    const n = notice('en_other_invited_you', 'room-join');
    expect(n.inviter).toEqual(person('Alice Wong', ALICE));
    expect(n.invitees).toEqual([self]);
  });

  it('en: other invited other', () => {
    const n = notice('en_other_invited_other', 'room-join');
    expect(n.inviter?.userName).toBe(BOB);
    expect(n.invitees).toEqual([person('Ann Lee', ANN_LEE)]);
  });

  it('en: joined via a QR code shared by someone', () => {
    expect(notice('en_qr_shared_by_other', 'room-join')).toEqual({
      type: 'room-join',
      inviter: person('Bob', BOB),
      invitees: [person('Ann', ANN)],
      via: 'qrcode',
    });
  });

  it('emits a room-join event carrying the room', () => {
    const { message, events } = run('zh_other_invited_other');
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.type).toBe('room-join');
    if (e.type !== 'room-join') return;
    expect(e.room.userName).toBe(ROOM);
    expect(e.room.room?.topic).toBe('周末爬山群');
    expect(e.messageId).toBe(message.id);
    expect(e.invitees.map((p) => p.userName)).toEqual([ANN]);
  });

  it('<sysmsg type="sysmsgtemplate">: renders the template and resolves people by stable id', () => {
    const { message, events } = run('xml_template_join');
    expect(message.text).toBe('"Alice Wong"邀请"Newbie、Bob"加入了群聊');
    expect(message.notice).toEqual({
      type: 'room-join',
      inviter: person('Alice Wong', ALICE),
      invitees: [person('Newbie', undefined), person('Bob', BOB)],
      via: 'invite',
    });
    expect(events.map((e) => e.type)).toEqual(['room-join']);
  });
});

describe('room leaves', () => {
  it('zh: you removed someone', () => {
    expect(notice('zh_you_removed', 'room-leave')).toEqual({
      type: 'room-leave',
      remover: self,
      leavers: [person('Bob', BOB)],
      selfLeft: false,
    });
  });

  it('zh: you were removed (leading space) — selfLeft', () => {
    const { message, events } = run('zh_you_were_removed');
    expect(message.notice).toEqual({
      type: 'room-leave',
      remover: person('阿丽', ALICE),
      leavers: [self],
      selfLeft: true,
    });
    expect(events).toMatchObject([{ type: 'room-leave', selfLeft: true, room: { userName: ROOM } }]);
  });

  it('en: you removed / you were removed', () => {
    expect(notice('en_you_removed', 'room-leave').leavers).toEqual([person('Bob', BOB)]);
    const n = notice('en_you_were_removed', 'room-leave');
    expect(n.remover).toEqual(person('Alice Wong', ALICE));
    expect(n.selfLeft).toBe(true);
  });
});

describe('room topic', () => {
  it('zh: you renamed (curly quotes, inner space kept)', () => {
    const { message, events } = run('zh_you_renamed');
    expect(message.notice).toEqual({ type: 'room-topic', changer: self, topic: '周末 爬山群' });
    expect(events).toMatchObject([{ type: 'room-topic', topic: '周末 爬山群', oldTopic: '周末爬山群' }]);
  });

  it('en: renamed by someone, curly quotes and trailing spaces', () => {
    expect(notice('en_renamed_by_other', 'room-topic')).toEqual({
      type: 'room-topic',
      changer: person('Bob', BOB),
      topic: 'Hiking Club',
    });
  });
});

describe('friend notices', () => {
  it('zh friend added (spaces and ASCII comma variant) emits friend-added', () => {
    const { message, events } = run('zh_friend_added_spaces');
    expect(message.notice).toEqual({ type: 'friend-added', name: 'Carol' });
    expect(message.chat.userName).toBe(CAROL);
    expect(events).toMatchObject([{ type: 'friend-added', name: 'Carol', contact: { userName: CAROL } }]);
  });

  it('en friend added', () => {
    expect(notice('en_friend_added', 'friend-added').name).toBe('Carol');
  });

  it('verification needed, zh and en', () => {
    notice('zh_verification', 'verification-needed');
    notice('en_verification', 'verification-needed');
    expect(run('zh_verification').events).toEqual([]);
  });
});

describe('other notices', () => {
  it('red packet / transfer / call', () => {
    // Only the phone can act on them: said as a value, so a plugin branches without reading the docs.
    expect(notice('zh_red_packet', 'red-packet').actionable).toBe(false);
    expect(notice('en_red_packet', 'red-packet').actionable).toBe(false);
    expect(notice('zh_transfer', 'transfer').actionable).toBe(false);
    expect(notice('zh_call', 'call').actionable).toBe(false);
    expect(notice('sysnotice_9999', 'other')).toEqual({ type: 'other' });
  });

  it('9999 sysnotice is a system message', () => {
    const { message } = run('sysnotice_9999');
    expect(message.msgType).toBe(9999);
    expect(message.notice.type).toBe('other');
    expect(message.text).toBe('如果陌生人主动添加你为朋友，请谨慎核实对方身份。');
  });

  it('plain-text pat', () => {
    expect(notice('zh_pat', 'pat')).toEqual({ type: 'pat', patter: person('Alice Wong', ALICE), patted: self });
  });

  it('<sysmsg type="pat">: template placeholders rendered from stable ids', () => {
    const { message, events } = run('xml_pat');
    expect(message.notice).toEqual({
      type: 'pat',
      patter: person('Bob', BOB),
      patted: { name: '小助手', userName: SELF, isSelf: true },
    });
    expect(message.text).toBe('"Bob" 拍了拍 "小助手"');
    expect(events).toEqual([]);
  });

  it('room wordings outside a room are not room events', () => {
    const raw = { ...fixture('system_zh_you_removed'), FromUserName: CAROL };
    const { message, events } = normalizeMessage(raw, { directory });
    expect(message.kind).toBe('system');
    expect(events).toEqual([]);
  });
});
