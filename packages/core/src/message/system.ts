import type { ContactDirectory, Room } from '../contact/types.js';
import type { PhoneOnlyNotice } from './phone-only.js';
import type { PersonRef, SimpleNotice, SystemNotice } from './types.js';

/**
 * Classifies MsgType 10000 / 9999 notices. Wordings come in Chinese and
 * English, with stray spaces inside and around the quotes (`" 桔小秘"`,
 * trailing double spaces) and both straight and curly quotes.
 */

export interface PeopleResolver {
  readonly room: Room | undefined;
  readonly directory: ContactDirectory;
}

const SELF_WORDS: ReadonlySet<string> = new Set(['你', 'you', 'You', 'YOU', '我']);

/** Trims spaces and one layer of surrounding quotes (straight or curly), then spaces again. */
export function trimName(raw: string): string {
  let name = raw.trim();
  if (/^["“”']/.test(name)) name = name.slice(1);
  if (/["“”']$/.test(name)) name = name.slice(0, -1);
  return name.trim();
}

export function resolvePerson(rawName: string, people: PeopleResolver): PersonRef {
  const name = trimName(rawName);
  const selfUserName = people.directory.self.userName;
  if (SELF_WORDS.has(name)) return { name, userName: selfUserName, isSelf: true };
  let found: string | undefined;
  let ambiguous = false;
  const room = people.room;
  if (room !== undefined && name !== '') {
    // Room display names first: someone's nick name may equal another member's room alias.
    for (const pass of [0, 1]) {
      for (const member of room.members.values()) {
        const names: string[] = [];
        if (pass === 0) names.push(member.displayName);
        else {
          names.push(member.nickName);
          const contact = people.directory.contact(member.userName);
          if (contact !== undefined) names.push(contact.nickName, contact.remarkName);
        }
        if (names.includes(name)) {
          if (found !== undefined && found !== member.userName) ambiguous = true;
          found = member.userName;
        }
      }
      if (found !== undefined) break;
    }
  }
  const userName = ambiguous ? undefined : found;
  return { name, userName, isSelf: userName !== undefined && userName === selfUserName };
}

const SELF_PERSON_NAME = '你';

/** Splits a list of names: each quoted segment is one entry; inside, `、` (zh) or `, ` / ` and ` (en) separate names. */
export function splitNames(list: string, english: boolean): string[] {
  const trimmed = list.trim();
  const quoted = [...trimmed.matchAll(/["“]([^"“”]*)["”]/g)].map((m) => m[1] ?? '');
  const segments = quoted.length > 0 ? quoted : [trimmed];
  const out: string[] = [];
  for (const segment of segments) {
    const parts = english ? segment.split(/、|, | and /) : segment.split(/、/);
    for (const part of parts) {
      const name = trimName(part);
      if (name !== '') out.push(name);
    }
  }
  return out;
}

const Q = '["“”]';

function self(people: PeopleResolver): PersonRef {
  return { name: SELF_PERSON_NAME, userName: people.directory.self.userName, isSelf: true };
}

function persons(list: string, english: boolean, people: PeopleResolver): PersonRef[] {
  return splitNames(list, english).map((n) => resolvePerson(n, people));
}

function join(inviter: PersonRef | undefined, invitees: PersonRef[], via: 'invite' | 'qrcode'): SystemNotice {
  return { type: 'room-join', inviter, invitees, via };
}

function re(source: string, flags = ''): RegExp {
  return new RegExp(source, flags);
}

// Order matters: the more specific wording first.
const JOIN_RULES: readonly [RegExp, (m: RegExpExecArray, p: PeopleResolver) => SystemNotice][] = [
  // zh
  [re(`^你邀请(.+?)加入了群聊`), (m, p) => join(self(p), persons(m[1]!, false, p), 'invite')],
  [
    re(`^${Q}(.+?)${Q}\\s*邀请你加入了群聊(?:，|,)?\\s*(?:群聊参与人还有：.*)?$`, 's'),
    (m, p) => join(resolvePerson(m[1]!, p), [self(p)], 'invite'),
  ],
  [
    re(`^${Q}(.+?)${Q}\\s*邀请你和(.+?)加入了群聊`),
    (m, p) => join(resolvePerson(m[1]!, p), [self(p), ...persons(m[2]!, false, p)], 'invite'),
  ],
  [
    re(`^${Q}(.+?)${Q}\\s*邀请(.+?)加入了群聊`),
    (m, p) => join(resolvePerson(m[1]!, p), persons(m[2]!, false, p), 'invite'),
  ],
  [
    re(`^${Q}(.+?)${Q}\\s*通过扫描你分享的二维码加入群聊`),
    (m, p) => join(self(p), [resolvePerson(m[1]!, p)], 'qrcode'),
  ],
  [
    re(`^你通过扫描${Q}(.+?)${Q}\\s*分享的二维码加入群聊`),
    (m, p) => join(resolvePerson(m[1]!, p), [self(p)], 'qrcode'),
  ],
  [
    re(`^${Q}(.+?)${Q}\\s*通过扫描${Q}(.+?)${Q}\\s*分享的二维码加入群聊`),
    (m, p) => join(resolvePerson(m[2]!, p), [resolvePerson(m[1]!, p)], 'qrcode'),
  ],
  // en
  [re(`^You invited (.+?) to (?:the|a) group chat`, 'i'), (m, p) => join(self(p), persons(m[1]!, true, p), 'invite')],
  [
    re(`^(.+?) invited you to (?:a|the) group chat(?: with .*)?\\.?$`, 'is'),
    (m, p) => join(resolvePerson(m[1]!, p), [self(p)], 'invite'),
  ],
  [
    re(`^(.+?) invited you and (.+?) to (?:the|a) group chat`, 'i'),
    (m, p) => join(resolvePerson(m[1]!, p), [self(p), ...persons(m[2]!, true, p)], 'invite'),
  ],
  [
    re(`^(.+?) invited (.+?) to (?:the|a) group chat`, 'i'),
    (m, p) => join(resolvePerson(m[1]!, p), persons(m[2]!, true, p), 'invite'),
  ],
  [
    re(`^(.+?) joined (?:the )?group chat via (?:the )?QR code you shared`, 'i'),
    (m, p) => join(self(p), [resolvePerson(m[1]!, p)], 'qrcode'),
  ],
  [
    re(`^You(?: have|'ve)? joined (?:the |this )?group chat via (?:the )?QR code shared by (.+?)\\.?$`, 'i'),
    (m, p) => join(resolvePerson(m[1]!, p), [self(p)], 'qrcode'),
  ],
  [
    re(`^(.+?) joined (?:the )?group chat via (?:the )?QR code shared by (.+?)\\.?$`, 'i'),
    (m, p) => join(resolvePerson(m[2]!, p), [resolvePerson(m[1]!, p)], 'qrcode'),
  ],
];

const LEAVE_RULES: readonly [RegExp, (m: RegExpExecArray, p: PeopleResolver) => SystemNotice][] = [
  [
    re(`^你将(.+?)移出了群聊`),
    (m, p) => ({ type: 'room-leave', remover: self(p), leavers: persons(m[1]!, false, p), selfLeft: false }),
  ],
  [
    re(`^你被${Q}(.+?)${Q}\\s*移出(?:了)?群聊`),
    (m, p) => ({ type: 'room-leave', remover: resolvePerson(m[1]!, p), leavers: [self(p)], selfLeft: true }),
  ],
  [
    re(`^You removed (.+?) from the group chat`, 'i'),
    (m, p) => ({ type: 'room-leave', remover: self(p), leavers: persons(m[1]!, true, p), selfLeft: false }),
  ],
  [
    re(`^You were removed from the group chat by (.+?)\\.?$`, 'i'),
    (m, p) => ({ type: 'room-leave', remover: resolvePerson(m[1]!, p), leavers: [self(p)], selfLeft: true }),
  ],
];

const TOPIC_RULES: readonly [RegExp, (m: RegExpExecArray, p: PeopleResolver) => SystemNotice][] = [
  [
    re(`^(你|${Q}(.+?)${Q})\\s*修改群名为\\s*${Q}(.*)${Q}\\s*$`, 's'),
    (m, p) => ({
      type: 'room-topic',
      changer: m[2] === undefined ? self(p) : resolvePerson(m[2], p),
      topic: m[3]!,
    }),
  ],
  [
    re(`^(You|${Q}(.+?)${Q}|(.+?)) changed the group name to\\s*${Q}(.*)${Q}\\.?\\s*$`, 's'),
    (m, p) => ({
      type: 'room-topic',
      changer: m[1] === 'You' ? self(p) : resolvePerson(m[2] ?? m[3] ?? '', p),
      topic: m[4]!,
    }),
  ],
];

const FRIEND_ADDED_RULES: readonly RegExp[] = [
  /^你已添加了\s*(.+?)\s*[，,]\s*现在可以开始聊天了。?$/s,
  /^You(?: have|'ve) added (.+?) as your WeChat contact\. Start chatting!?$/is,
  /^(.+?)刚刚把你添加到通讯录，现在可以开始聊天了。?$/s,
];

const PAT_RULES: readonly RegExp[] = [/^(.+?)\s*拍了拍\s*(.*?)$/s, /^(.+?) (?:patted|tickled|nudged) (.*?)$/is];

function tryRules(
  rules: readonly [RegExp, (m: RegExpExecArray, p: PeopleResolver) => SystemNotice][],
  text: string,
  people: PeopleResolver,
): SystemNotice | undefined {
  for (const [rule, build] of rules) {
    const m = rule.exec(text);
    if (m !== null) return build(m, people);
  }
  return undefined;
}

// Pats end with a verb phrase in some locales ("拍了拍我的头"); keep the object's first quoted name or the word.
function patPerson(raw: string, people: PeopleResolver): PersonRef | undefined {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  const quoted = /^["“](.+?)["”]/.exec(trimmed);
  if (quoted !== null) return resolvePerson(quoted[1]!, people);
  if (/^(我|你|you|me)\b/i.test(trimmed) || trimmed.startsWith('我') || trimmed.startsWith('你')) {
    return { name: SELF_PERSON_NAME, userName: people.directory.self.userName, isSelf: true };
  }
  return resolvePerson(trimmed, people);
}

const SIMPLE_RULES: readonly [RegExp, SimpleNotice['type'] | PhoneOnlyNotice['type']][] = [
  [/撤回了一条消息|recalled a message/i, 'recall'],
  [
    /开启了朋友验证|朋友验证请求|不是(?:他|她|他（她）)?(?:的)?朋友|不是对方的朋友|拒收|Friend Confirmation|is not your friend|rejected your message|not (?:your|his|her) (?:friend|contact)/i,
    'verification-needed',
  ],
  [/红包|red packet|hongbao/i, 'red-packet'],
  [/转账|transfer/i, 'transfer'],
  [/通话|语音聊天|视频聊天|\bcall\b|calling/i, 'call'],
];

/** Classifies one notice text (already cleaned: entities decoded, emoji replaced). */
export function classifySystemText(rawText: string, people: PeopleResolver, inRoom: boolean): SystemNotice {
  const text = rawText.trim();
  if (text === '') return { type: 'other' };
  if (inRoom) {
    const roomNotice =
      tryRules(JOIN_RULES, text, people) ?? tryRules(LEAVE_RULES, text, people) ?? tryRules(TOPIC_RULES, text, people);
    if (roomNotice !== undefined) return roomNotice;
  } else {
    for (const rule of FRIEND_ADDED_RULES) {
      const m = rule.exec(text);
      if (m !== null) return { type: 'friend-added', name: trimName(m[1]!) };
    }
  }
  for (const rule of PAT_RULES) {
    const m = rule.exec(text);
    if (m !== null) {
      return { type: 'pat', patter: patPerson(m[1]!, people), patted: patPerson(m[2]!, people) };
    }
  }
  for (const [rule, type] of SIMPLE_RULES) {
    if (!rule.test(text)) continue;
    return type === 'red-packet' || type === 'transfer' || type === 'call' ? { type, actionable: false } : { type };
  }
  return { type: 'other' };
}
