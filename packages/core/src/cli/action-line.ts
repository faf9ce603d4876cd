import type { ContactStore } from '../client/types.js';
import type { ActionRecord } from '../plugin/types.js';

/** What a person is called here: remark, nick name or room topic; never a session id. */
function nameOf(contacts: Pick<ContactStore, 'contact' | 'member'>, userName: string, room?: string): string {
  const member = room === undefined ? undefined : contacts.member(room, userName);
  const contact = contacts.contact(userName);
  const topic = (contact as { topic?: unknown } | undefined)?.topic;
  const name =
    member?.displayName ||
    contact?.remarkName ||
    (typeof topic === 'string' ? topic : '') ||
    member?.nickName ||
    contact?.nickName;
  if (name) return name;
  // Session ids (@3f9c…) change at every login and mean nothing to a reader.
  return userName.startsWith('@') ? (userName.startsWith('@@') ? 'an unnamed room' : 'someone unknown') : userName;
}

/**
 * One line for what the bot did (`bot → Alice: pong (by ping)`), with people
 * and rooms by name: records carry session ids, which are resolved here.
 */
export function describeAction(record: ActionRecord, contacts: Pick<ContactStore, 'contact' | 'member'>): string {
  const to = record.targetName ?? nameOf(contacts, record.target);
  const by = record.plugin === undefined ? '' : ` (by ${record.plugin})`;
  switch (record.action) {
    case 'send':
      return record.content?.type === 'text'
        ? `bot → ${to}: ${record.content.text}${by}`
        : `bot → ${to}: [${record.content?.type ?? 'media'}${record.content?.name ? ` ${record.content.name}` : ''}]${by}`;
    case 'acceptFriend':
      return `bot accepted the friend request of ${to}${by}`;
    case 'setTopic':
      return `bot renamed ${to} to "${record.topic ?? ''}"${by}`;
    case 'setRemark':
      return `bot set the remark of ${to} to "${record.remark ?? ''}"${by}`;
    case 'download':
      return `bot downloaded the media of a message in ${to}${by}`;
    case 'avatar':
      return `bot fetched the avatar of ${to}${by}`;
    case 'revoke':
      return `bot revoked its message to ${to}${by}`;
    case 'forward':
      return `bot forwarded a message to ${to}${by}`;
    case 'markRead':
      return `bot marked ${to} read${by}`;
    case 'addFriend':
      return `bot sent a friend request to ${to}${by}`;
    case 'createRoom': {
      const members = (record.members ?? []).map((m) => nameOf(contacts, m));
      return `bot created the room "${record.topic ?? ''}" with ${members.join(', ')}${by}`;
    }
    default: {
      const members = record.members?.map((m) => nameOf(contacts, m, record.target));
      return `bot ${record.action} ${to}${members ? ` [${members.join(', ')}]` : ''}${by}`;
    }
  }
}
