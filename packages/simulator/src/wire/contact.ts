/** Contact objects as webwxinit / webwxgetcontact / webwxbatchgetcontact / ModContactList carry them. */

import type { Person, Room } from '../world/world.js';
import { emojiToSpans, escapeHtml } from './content.js';
import type { WireObject } from './json.js';

export interface NameBook {
  userNameOf(stableId: string): string;
  readonly skey: string;
}

/** Pinyin needs a dictionary; ASCII names get the real shape, other scripts leave it empty like many real entries. */
function pyInitial(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name.replace(/[^A-Za-z0-9]/g, '').toUpperCase() : '';
}
function pyQuanPin(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name.replace(/[^A-Za-z0-9]/g, '') : '';
}

/** Names and signatures are stored as plain text; the wire carries them escaped with emoji spans. */
export function wireText(text: string): string {
  return emojiToSpans(escapeHtml(text));
}

const PIN_FLAG = 2048;

export function contactFlagOf(p: Person): number {
  let flag = p.kind === 'self' ? 7 : p.kind === 'stranger' ? 0 : p.kind === 'special' ? 1 : 3;
  if (p.starred) flag |= 64;
  if (p.pinned) flag |= PIN_FLAG;
  return flag;
}

export function personContact(p: Person, names: NameBook): WireObject {
  const userName = names.userNameOf(p.wxid);
  const official = (p.verifyFlag & 8) !== 0;
  return {
    Uin: p.kind === 'self' ? p.uin : 0,
    UserName: userName,
    NickName: wireText(p.nickName),
    HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=${p.headSeq}&username=${userName}&skey=${names.skey}`,
    ContactFlag: contactFlagOf(p),
    MemberCount: 0,
    MemberList: [],
    RemarkName: wireText(p.remarkName),
    HideInputBarFlag: 0,
    Sex: p.sex,
    Signature: wireText(p.signature),
    VerifyFlag: p.verifyFlag,
    OwnerUin: 0,
    PYInitial: pyInitial(p.nickName),
    PYQuanPin: pyQuanPin(p.nickName),
    RemarkPYInitial: pyInitial(p.remarkName),
    RemarkPYQuanPin: pyQuanPin(p.remarkName),
    StarFriend: p.starred ? 1 : 0,
    AppAccountFlag: 0,
    Statues: 0,
    AttrStatus: p.kind === 'friend' ? 4133 : 0,
    Province: p.province,
    City: p.city,
    Alias: p.alias,
    SnsFlag: p.kind === 'friend' ? 17 : 0,
    UniFriend: 0,
    DisplayName: '',
    ChatRoomId: 0,
    KeyWord: official ? 'gh_' : p.wxid.slice(0, 3),
    EncryChatRoomId: '',
    IsOwner: 0,
  };
}

export function memberEntry(p: Person, displayName: string, names: NameBook): WireObject {
  return {
    Uin: 0,
    UserName: names.userNameOf(p.wxid),
    NickName: wireText(p.nickName),
    AttrStatus: p.kind === 'friend' ? 4133 : 2147,
    PYInitial: '',
    PYQuanPin: '',
    RemarkPYInitial: '',
    RemarkPYQuanPin: '',
    MemberStatus: 0,
    DisplayName: wireText(displayName),
    KeyWord: p.wxid.slice(0, 3),
  };
}

export interface RoomContactOptions {
  /** webwxinit and webwxgetcontact list rooms without members; batchgetcontact fills them in. */
  withMembers: boolean;
  people: ReadonlyMap<string, Person>;
  selfUin: number;
  selfWxid: string;
}

export function roomContact(r: Room, names: NameBook, o: RoomContactOptions): WireObject {
  const userName = names.userNameOf(r.id);
  const members: WireObject[] = [];
  if (o.withMembers)
    for (const m of r.members.values()) {
      const p = o.people.get(m.wxid);
      if (p) members.push(memberEntry(p, m.displayName, names));
    }
  const inRoom = r.members.has(o.selfWxid);
  let flag = r.saved ? 3 : 2;
  if (r.pinned) flag |= PIN_FLAG;
  return {
    Uin: 0,
    UserName: userName,
    NickName: wireText(r.topic),
    HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=${r.headSeq}&username=${userName}&skey=`,
    ContactFlag: flag,
    MemberCount: o.withMembers ? members.length : 0,
    MemberList: members,
    RemarkName: wireText(r.remarkName),
    HideInputBarFlag: 0,
    Sex: 0,
    Signature: '',
    VerifyFlag: 0,
    OwnerUin: r.owner === o.selfWxid ? o.selfUin : 0,
    PYInitial: pyInitial(r.topic),
    PYQuanPin: pyQuanPin(r.topic),
    RemarkPYInitial: pyInitial(r.remarkName),
    RemarkPYQuanPin: pyQuanPin(r.remarkName),
    StarFriend: 0,
    AppAccountFlag: 0,
    Statues: inRoom ? 1 : 0,
    AttrStatus: 0,
    Province: '',
    City: '',
    Alias: '',
    SnsFlag: 0,
    UniFriend: 0,
    DisplayName: '',
    ChatRoomId: 0,
    KeyWord: '',
    EncryChatRoomId: r.encryChatRoomId,
    IsOwner: r.owner === o.selfWxid ? 1 : 0,
  };
}

/** The shorter shape ModContactList uses for rooms (see the sync captures): ChatRoomOwner, HeadImgUpdateFlag, ContactType. */
export function roomModContact(r: Room, names: NameBook, o: RoomContactOptions): WireObject {
  const full = roomContact(r, names, { ...o, withMembers: true });
  return {
    UserName: full['UserName']!,
    NickName: full['NickName']!,
    Sex: 0,
    HeadImgUpdateFlag: 1,
    ContactType: 0,
    Alias: '',
    ChatRoomOwner: r.members.has(r.owner) || r.owner === o.selfWxid ? names.userNameOf(r.owner) : '',
    HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=0&username=${names.userNameOf(r.id)}&skey=${names.skey}`,
    ContactFlag: full['ContactFlag']!,
    MemberCount: full['MemberCount']!,
    MemberList: full['MemberList']!,
    HideInputBarFlag: 0,
    Signature: '',
    VerifyFlag: 0,
    RemarkName: full['RemarkName']!,
    Statues: full['Statues']!,
    AttrStatus: 0,
    Province: '',
    City: '',
    SnsFlag: 0,
    KeyWord: '',
  };
}

export function personModContact(p: Person, names: NameBook): WireObject {
  const full = personContact(p, names);
  return {
    UserName: full['UserName']!,
    NickName: full['NickName']!,
    Sex: p.sex,
    HeadImgUpdateFlag: 0,
    ContactType: 0,
    Alias: p.alias,
    ChatRoomOwner: '',
    HeadImgUrl: full['HeadImgUrl']!,
    ContactFlag: full['ContactFlag']!,
    MemberCount: 0,
    MemberList: [],
    HideInputBarFlag: 0,
    Signature: full['Signature']!,
    VerifyFlag: p.verifyFlag,
    RemarkName: full['RemarkName']!,
    Statues: 0,
    AttrStatus: full['AttrStatus']!,
    Province: p.province,
    City: p.city,
    SnsFlag: full['SnsFlag']!,
    KeyWord: full['KeyWord']!,
  };
}

/**
 * A ModChatRoomMemberList entry. Every capture has this list empty, so the shape is a guess: public clients type
 * its entries as contacts (openwechat `*User`) and read UserName, MemberCount and the whole MemberList from them,
 * so it carries the room's UserName and its full roster in member-entry form, never a delta.
 */
export function roomMemberChange(r: Room, names: NameBook, o: RoomContactOptions): WireObject {
  const full = roomContact(r, names, { ...o, withMembers: true });
  return {
    UserName: full['UserName']!,
    ChatRoomOwner: r.members.has(r.owner) || r.owner === o.selfWxid ? names.userNameOf(r.owner) : '',
    MemberCount: full['MemberCount']!,
    MemberList: full['MemberList']!,
    EncryChatRoomId: full['EncryChatRoomId']!,
  };
}
