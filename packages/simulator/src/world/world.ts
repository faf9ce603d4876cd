/**
 * The world model: people and rooms keyed by STABLE id (wxid, `...@chatroom`).
 * Session UserNames never live here; each login maps stable ids to fresh ones.
 */

import type { PersonSpec, RoomSpec, WorldSpec } from './types.js';
import { validateWorldSpec } from './validate.js';

export type PersonKind = 'self' | 'friend' | 'official' | 'stranger' | 'special';

export interface Person {
  wxid: string;
  kind: PersonKind;
  nickName: string;
  alias: string;
  remarkName: string;
  sex: number;
  signature: string;
  province: string;
  city: string;
  verifyFlag: number;
  starred: boolean;
  pinned: boolean;
  uin: number;
  headSeq: number;
}

export interface RoomMember {
  wxid: string;
  displayName: string;
}

export interface Room {
  id: string;
  topic: string;
  owner: string;
  members: Map<string, RoomMember>;
  saved: boolean;
  remarkName: string;
  pinned: boolean;
  encryChatRoomId: string;
  headSeq: number;
}

export const SPECIAL_ACCOUNTS: Record<string, { nickName: string; verifyFlag: number }> = {
  filehelper: { nickName: '文件传输助手', verifyFlag: 0 },
  weixin: { nickName: '微信团队', verifyFlag: 56 },
  fmessage: { nickName: '朋友推荐消息', verifyFlag: 0 },
  newsapp: { nickName: '腾讯新闻', verifyFlag: 0 },
  medianote: { nickName: '语音记事本', verifyFlag: 0 },
};

/** Ids the real server never rewrites into `@...` session names. */
export function isSpecialId(id: string): boolean {
  return Object.hasOwn(SPECIAL_ACCOUNTS, id);
}

/**
 * The avatar version (HeadImgUrl's `seq`) of an account: derived from its id, so the same person has
 * the same seq in every simulator and session, as on the real servers, where it changes only with
 * the picture (clients fingerprint avatars by it across logins).
 */
function headSeqOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return 620000000 + (h % 100000000);
}

function personFrom(spec: PersonSpec, kind: PersonKind): Person {
  return {
    wxid: spec.wxid,
    kind,
    nickName: spec.nickName,
    alias: spec.alias ?? '',
    remarkName: spec.remarkName ?? '',
    sex: spec.sex ?? 0,
    signature: spec.signature ?? '',
    province: spec.province ?? '',
    city: spec.city ?? '',
    verifyFlag: spec.verifyFlag ?? (kind === 'official' ? 8 : 0),
    starred: spec.starred ?? false,
    pinned: spec.pinned ?? false,
    uin: 0,
    headSeq: headSeqOf(spec.wxid),
  };
}

export class World {
  readonly people = new Map<string, Person>();
  readonly rooms = new Map<string, Room>();
  recentChats: string[] = [];
  lang: 'zh' | 'en' = 'zh';
  webLoginForbidden = false;
  /** What webwxnewloginpage says with its ret 1203 while web login is forbidden (see `Simulator.ban`). */
  webLoginForbiddenMessage: string | undefined = undefined;
  private roomIdCounter = 0;

  constructor(spec: WorldSpec) {
    this.load(spec);
  }

  load(spec: WorldSpec): void {
    validateWorldSpec(spec);
    // A spec that fails half-way (it should not, once validated) must not leave half a world.
    const before = {
      people: [...this.people],
      rooms: [...this.rooms],
      recent: this.recentChats,
      lang: this.lang,
      webLoginForbidden: this.webLoginForbidden,
    };
    try {
      this.fill(spec);
    } catch (error) {
      this.people.clear();
      this.rooms.clear();
      for (const [k, v] of before.people) this.people.set(k, v);
      for (const [k, v] of before.rooms) this.rooms.set(k, v);
      this.recentChats = before.recent;
      this.lang = before.lang;
      this.webLoginForbidden = before.webLoginForbidden;
      throw error;
    }
  }

  private fill(spec: WorldSpec): void {
    this.people.clear();
    this.rooms.clear();
    const self = personFrom({ ...spec.self }, 'self');
    self.uin = spec.self.uin;
    this.people.set(self.wxid, self);
    this.webLoginForbidden = spec.self.webLoginForbidden ?? false;
    this.lang = spec.lang ?? 'zh';
    for (const id of spec.specialAccounts ?? ['filehelper', 'weixin', 'fmessage', 'newsapp']) {
      const known = SPECIAL_ACCOUNTS[id] ?? { nickName: id, verifyFlag: 0 };
      this.people.set(id, personFrom({ wxid: id, nickName: known.nickName, verifyFlag: known.verifyFlag }, 'special'));
    }
    for (const p of spec.friends ?? []) this.people.set(p.wxid, personFrom(p, 'friend'));
    for (const p of spec.officialAccounts ?? []) this.people.set(p.wxid, personFrom(p, 'official'));
    for (const p of spec.strangers ?? []) this.people.set(p.wxid, personFrom(p, 'stranger'));
    for (const r of spec.rooms ?? []) this.addRoomFromSpec(r);
    this.recentChats = spec.recentChats ? [...spec.recentChats] : this.defaultRecent();
  }

  get self(): Person {
    for (const p of this.people.values()) if (p.kind === 'self') return p;
    throw new Error('world has no self');
  }

  addRoomFromSpec(r: RoomSpec): Room {
    const members = new Map<string, RoomMember>();
    for (const m of r.members) {
      const member =
        typeof m === 'string' ? { wxid: m, displayName: '' } : { wxid: m.wxid, displayName: m.displayName ?? '' };
      if (!this.people.has(member.wxid)) this.addStranger({ wxid: member.wxid, nickName: member.wxid });
      members.set(member.wxid, member);
    }
    const room: Room = {
      id: r.id,
      topic: r.topic,
      owner: r.owner ?? members.keys().next().value ?? this.self.wxid,
      members,
      saved: r.saved ?? true,
      remarkName: r.remarkName ?? '',
      pinned: r.pinned ?? false,
      encryChatRoomId: '@' + hashHex(r.id, 32),
      headSeq: headSeqOf(r.id),
    };
    this.rooms.set(room.id, room);
    return room;
  }

  addStranger(spec: PersonSpec): Person {
    const p = personFrom(spec, 'stranger');
    this.people.set(p.wxid, p);
    return p;
  }

  person(wxid: string): Person | undefined {
    return this.people.get(wxid);
  }

  room(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  requirePerson(wxid: string, where: string): Person {
    const p = this.people.get(wxid);
    if (!p) throw new Error(`${where}: unknown person "${wxid}" (not in the world)`);
    return p;
  }

  requireRoom(id: string, where: string): Room {
    const r = this.rooms.get(id);
    if (!r) throw new Error(`${where}: unknown room "${id}" (not in the world)`);
    return r;
  }

  selfInRoom(room: Room): boolean {
    return room.members.has(this.self.wxid);
  }

  /** Name as the account sees it: remark first, then nickname. */
  displayName(wxid: string): string {
    const p = this.people.get(wxid);
    if (!p) return wxid;
    return p.remarkName || p.nickName;
  }

  newRoomId(): string {
    this.roomIdCounter++;
    return `${(1000000000 + ((this.roomIdCounter * 7919 + this.rooms.size) % 8999999999)).toString()}@chatroom`;
  }

  /** Address-book entries as webwxgetcontact lists them (self first, as the real list carries it). */
  addressBook(): { people: Person[]; rooms: Room[] } {
    const people: Person[] = [];
    for (const p of this.people.values()) if (p.kind !== 'stranger') people.push(p);
    const rooms: Room[] = [];
    for (const r of this.rooms.values()) if (r.saved && this.selfInRoom(r)) rooms.push(r);
    return { people, rooms };
  }

  private defaultRecent(): string[] {
    const out: string[] = [];
    if (this.people.has('filehelper')) out.push('filehelper');
    for (const r of this.rooms.values()) {
      if (out.length >= 8) break;
      if (this.selfInRoom(r)) out.push(r.id);
    }
    for (const p of this.people.values()) {
      if (out.length >= 16) break;
      if (p.kind === 'friend' || p.kind === 'official') out.push(p.wxid);
    }
    return out;
  }
}

/** Deterministic hex from a string (FNV-1a stretched), for ids derived from stable ids. */
export function hashHex(input: string, length: number): string {
  let out = '';
  let salt = 0;
  while (out.length < length) {
    let h = 0x811c9dc5 ^ salt;
    for (let i = 0; i < input.length; i++) {
      h ^= input.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    out += (h >>> 0).toString(16).padStart(8, '0');
    salt++;
  }
  return out.slice(0, length);
}
