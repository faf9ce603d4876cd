import { classifyContact } from '../../src/contact/classify.js';
import type { Contact, ContactDirectory, Room, RoomMember } from '../../src/contact/types.js';
import { cleanName } from '../../src/message/text.js';
import type { RawContact, RawMessage } from '../../src/wire/types.js';

/**
 * A ContactDirectory over fixture contacts, the way a replay tool would build one:
 * names become display text (the ContactDirectory contract), raw stays as captured.
 */
export function makeDirectory(options: {
  self: RawContact;
  contacts?: readonly RawContact[];
  rooms?: readonly RawContact[];
  stableIds?: Readonly<Record<string, string>>;
}): ContactDirectory {
  const selfUserName = options.self.UserName;
  const stable = options.stableIds ?? {};
  const toContact = (raw: RawContact): Contact => ({
    userName: raw.UserName,
    stableId: stable[raw.UserName],
    stableIdConfidence: stable[raw.UserName] !== undefined ? 'wxid' : undefined,
    kind: classifyContact(raw, selfUserName),
    nickName: cleanName(raw.NickName),
    remarkName: cleanName(raw.RemarkName),
    alias: raw.Alias ?? '',
    raw,
  });
  const contacts = new Map<string, Contact>();
  const self = toContact(options.self);
  contacts.set(self.userName, self);
  for (const raw of options.contacts ?? []) contacts.set(raw.UserName, toContact(raw));
  const rooms = new Map<string, Room>();
  for (const raw of options.rooms ?? []) {
    const members = new Map<string, RoomMember>();
    for (const m of raw.MemberList ?? []) {
      members.set(m.UserName, {
        userName: m.UserName,
        nickName: cleanName(m.NickName),
        displayName: cleanName(m.DisplayName),
      });
    }
    const room: Room = {
      ...toContact(raw),
      kind: 'room',
      topic: cleanName(raw.NickName),
      members,
      ownerUserName: undefined,
    };
    rooms.set(raw.UserName, room);
    contacts.set(raw.UserName, room);
  }
  return {
    self,
    contact: (userName) => contacts.get(userName),
    room: (userName) => rooms.get(userName),
    member: (roomUserName, memberUserName) => rooms.get(roomUserName)?.members.get(memberUserName),
    byStableId: (stableId) => [...contacts.values()].find((c) => c.stableId === stableId),
  };
}

/** A wire entry with the fields every AddMsgList entry has; override what the test is about. */
export function rawMessage(overrides: Partial<RawMessage> & Record<string, unknown>): RawMessage {
  const entry: Record<string, unknown> = {
    MsgId: '5000000000000000001',
    FromUserName: '@peer',
    ToUserName: '@self',
    MsgType: 1,
    Content: '',
    Status: 3,
    ImgStatus: 1,
    CreateTime: 1700000000,
    VoiceLength: 0,
    PlayLength: 0,
    FileName: '',
    FileSize: '',
    MediaId: '',
    Url: '',
    AppMsgType: 0,
    StatusNotifyCode: 0,
    StatusNotifyUserName: '',
    RecommendInfo: {
      UserName: '',
      NickName: '',
      QQNum: 0,
      Province: '',
      City: '',
      Content: '',
      Signature: '',
      Alias: '',
      Scene: 0,
      VerifyFlag: 0,
      AttrStatus: 0,
      Sex: 0,
      Ticket: '',
      OpCode: 0,
    },
    ForwardFlag: 0,
    AppInfo: { AppID: '', Type: 0 },
    HasProductId: 0,
    Ticket: '',
    ImgHeight: 0,
    ImgWidth: 0,
    SubMsgType: 0,
    NewMsgId: 0,
    OriContent: '',
    ...overrides,
  };
  return entry as unknown as RawMessage;
}
