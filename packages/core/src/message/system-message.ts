import type { ContactDirectory } from '../contact/types.js';
import { plainBase, type Envelope } from './envelope.js';
import type { RecentMessageCache } from './recent-cache.js';
import { classifySystemText, resolvePerson, trimName, type PeopleResolver } from './system.js';
import { cleanText } from './text.js';
import type {
  NormalizeResult,
  NormalizedEvent,
  PersonRef,
  RecallMessage,
  SenderRef,
  SystemMessage,
  SystemNotice,
} from './types.js';
import { attr, child, childText, children, parseContentXml, text as nodeText, type XmlValue } from './xml.js';

function looksLikeXml(body: string): boolean {
  const t = body.trimStart();
  return t.startsWith('<') || t.startsWith('&lt;');
}

/** A wire id (session UserName or stable wxid) → session UserName and display name. */
function lookupId(id: string, people: PeopleResolver): { userName: string | undefined; name: string | undefined } {
  const directory: ContactDirectory = people.directory;
  const self = directory.self;
  const contact =
    id === self.userName || (self.stableId !== undefined && id === self.stableId)
      ? self
      : (directory.contact(id) ?? directory.byStableId(id));
  const userName = contact?.userName ?? (id.startsWith('@') ? id : undefined);
  const member =
    people.room !== undefined && userName !== undefined ? directory.member(people.room.userName, userName) : undefined;
  const name = (member?.displayName ?? '') || (contact?.nickName ?? '') || (member?.nickName ?? '') || undefined;
  return { userName, name };
}

function personFromId(id: string | undefined, people: PeopleResolver): PersonRef | undefined {
  if (id === undefined) return undefined;
  const found = lookupId(id, people);
  const selfUserName = people.directory.self.userName;
  return {
    name: found.name ?? id,
    userName: found.userName,
    isSelf: found.userName !== undefined && found.userName === selfUserName,
  };
}

/** `<sysmsg type="pat">`: names come as `${wxid}` placeholders in the template. */
function patNotice(sysmsg: XmlValue, people: PeopleResolver): { notice: SystemNotice; text: string } {
  const pat = child(sysmsg, 'pat');
  const patter = personFromId(childText(pat, 'fromusername'), people);
  const patted = personFromId(childText(pat, 'pattedusername'), people);
  const template = childText(pat, 'template') ?? '';
  const text = template.replace(/\$\{([^}]{1,128})\}/g, (_w, id: string) => {
    if (id === patter?.userName || id === childText(pat, 'fromusername')) return patter?.name ?? id;
    if (id === patted?.userName || id === childText(pat, 'pattedusername')) return patted?.name ?? id;
    return lookupId(id, people).name ?? id;
  });
  return { notice: { type: 'pat', patter, patted }, text: cleanText(text) };
}

/**
 * `<sysmsg type="sysmsgtemplate">`: a template like `"$username$"邀请"$names$"加入了群聊`
 * whose placeholders are member lists. Rendering it gives the classic wording;
 * the member lists give exact user names for the people in it.
 */
function templateNotice(
  sysmsg: XmlValue,
  people: PeopleResolver,
  inRoom: boolean,
): { notice: SystemNotice; text: string } {
  const tpl = child(child(sysmsg, 'sysmsgtemplate'), 'content_template');
  const template = childText(tpl, 'template') ?? '';
  const byName = new Map<string, string>();
  const rendered = new Map<string, string>();
  for (const link of children(child(tpl, 'link_list'), 'link')) {
    const key = attr(link, 'name');
    if (key === undefined) continue;
    const names: string[] = [];
    for (const member of children(child(link, 'memberlist'), 'member')) {
      const nick = cleanText(childText(member, 'nickname') ?? '');
      const id = childText(member, 'username');
      const resolved = id !== undefined ? lookupId(id, people) : undefined;
      const name = nick !== '' ? nick : (resolved?.name ?? id ?? '');
      if (name === '') continue;
      names.push(name);
      if (resolved?.userName !== undefined) byName.set(name, resolved.userName);
    }
    const plain = nodeText(child(link, 'plain'));
    rendered.set(key, names.length > 0 ? names.join('、') : cleanText(plain));
  }
  const text = cleanText(template).replace(
    /\$([A-Za-z_][A-Za-z0-9_]{0,63})\$/g,
    (w, key: string) => rendered.get(key) ?? w,
  );
  const notice = classifySystemText(text, people, inRoom);
  const selfUserName = people.directory.self.userName;
  const fix = (p: PersonRef | undefined): PersonRef | undefined => {
    if (p === undefined || p.userName !== undefined) return p;
    const userName = byName.get(p.name);
    return userName === undefined ? p : { ...p, userName, isSelf: userName === selfUserName };
  };
  switch (notice.type) {
    case 'room-join':
      return {
        notice: { ...notice, inviter: fix(notice.inviter), invitees: notice.invitees.map((p) => fix(p)!) },
        text,
      };
    case 'room-leave':
      return { notice: { ...notice, remover: fix(notice.remover), leavers: notice.leavers.map((p) => fix(p)!) }, text };
    case 'room-topic':
      return { notice: { ...notice, changer: fix(notice.changer)! }, text };
    default:
      return { notice, text };
  }
}

function eventsFor(notice: SystemNotice, env: Envelope, oldTopic: string | undefined): NormalizedEvent[] {
  const at = { messageId: env.id, createdAt: env.createdAt };
  if (env.chat.isRoom) {
    switch (notice.type) {
      case 'room-join':
        return [
          {
            type: 'room-join',
            ...at,
            room: env.chat,
            inviter: notice.inviter,
            invitees: notice.invitees,
            via: notice.via,
          },
        ];
      case 'room-leave':
        return [
          {
            type: 'room-leave',
            ...at,
            room: env.chat,
            remover: notice.remover,
            leavers: notice.leavers,
            selfLeft: notice.selfLeft,
          },
        ];
      case 'room-topic':
        return [{ type: 'room-topic', ...at, room: env.chat, changer: notice.changer, topic: notice.topic, oldTopic }];
      default:
        return [];
    }
  }
  if (notice.type === 'friend-added') return [{ type: 'friend-added', ...at, contact: env.chat, name: notice.name }];
  return [];
}

/** MsgType 10000 / 9999. */
export function buildSystemMessage(env: Envelope, recent: RecentMessageCache | undefined): NormalizeResult {
  const people: PeopleResolver = { room: env.room, directory: env.directory };
  let notice: SystemNotice;
  let text: string;
  if (looksLikeXml(env.body)) {
    const sysmsg = child(parseContentXml(env.body), 'sysmsg');
    const type = attr(sysmsg, 'type');
    if (type === 'revokemsg') return { message: buildRecallMessage(env, recent), events: [] };
    if (sysmsg !== undefined && type === 'pat') ({ notice, text } = patNotice(sysmsg, people));
    else if (sysmsg !== undefined && type === 'sysmsgtemplate')
      ({ notice, text } = templateNotice(sysmsg, people, env.chat.isRoom));
    else {
      notice = { type: 'other' };
      text = '';
    }
  } else {
    text = cleanText(env.body).trim();
    notice = classifySystemText(text, people, env.chat.isRoom);
  }
  const oldTopic = env.room !== undefined ? env.room.topic || undefined : undefined;
  const message: SystemMessage = { ...plainBase(env), kind: 'system', text, notice };
  return { message, events: eventsFor(notice, env, oldTopic) };
}

const SELF_RECALL_RE = /^(?:你|You)\s*(?:撤回了|recalled)/i;
const OTHER_RECALL_RE = /^(.+?)\s*(?:撤回了一条(?:成员的)?消息|(?:has )?recalled a message)/is;

/** MsgType 10002 (and `<sysmsg type="revokemsg">` inside 10000). */
export function buildRecallMessage(env: Envelope, recent: RecentMessageCache | undefined): RecallMessage {
  const revoke = child(child(parseContentXml(env.body), 'sysmsg'), 'revokemsg');
  const msgId = childText(revoke, 'msgid');
  const newMsgId = childText(revoke, 'newmsgid');
  const replaceText = cleanText(childText(revoke, 'replacemsg') ?? '').trim();
  const original =
    (msgId !== undefined ? recent?.get(msgId) : undefined) ??
    (newMsgId !== undefined ? recent?.get(newMsgId) : undefined);

  const selfUserName = env.directory.self.userName;
  let operatorName: string | undefined;
  let recalledBy: SenderRef = env.sender;
  if (SELF_RECALL_RE.test(replaceText)) {
    operatorName = undefined;
    recalledBy = env.sender.isSelf ? env.sender : selfSender(env);
  } else {
    const m = OTHER_RECALL_RE.exec(replaceText);
    operatorName = m !== null ? trimName(m[1]!) || undefined : undefined;
    const senderIsMember = env.chat.isRoom && env.sender.userName !== env.chat.userName;
    if (!senderIsMember && env.chat.isRoom) {
      if (original !== undefined) recalledBy = original.sender;
      else if (operatorName !== undefined) {
        const person = resolvePerson(operatorName, { room: env.room, directory: env.directory });
        if (person.userName !== undefined) {
          recalledBy = {
            userName: person.userName,
            contact: env.directory.contact(person.userName),
            member: env.directory.member(env.chat.userName, person.userName),
            stableId: env.directory.contact(person.userName)?.stableId,
            name: person.name,
            isSelf: person.userName === selfUserName,
          };
        }
      }
    }
  }
  return {
    ...plainBase(env),
    kind: 'recall',
    text: replaceText,
    recalledId: msgId ?? newMsgId,
    recalledOldId: childText(revoke, 'oldmsgid'),
    recalledBy,
    replaceText,
    operatorName,
    session: childText(revoke, 'session'),
    original,
  };
}

function selfSender(env: Envelope): SenderRef {
  const self = env.directory.self;
  return {
    userName: self.userName,
    contact: self,
    member: env.room !== undefined ? env.directory.member(env.room.userName, self.userName) : undefined,
    stableId: self.stableId,
    name: self.nickName || undefined,
    isSelf: true,
  };
}
