import { RoomMembers } from '../contact/members.js';
import type { Contact, ContactDirectory, Room, RoomMember } from '../contact/types.js';

export interface MentionResult {
  readonly mentions: readonly string[];
  readonly mentionNames: readonly string[];
  readonly mentionsSelf: boolean;
}

export const NO_MENTIONS: MentionResult = Object.freeze({
  mentions: Object.freeze<string[]>([]),
  mentionNames: Object.freeze<string[]>([]),
  mentionsSelf: false,
});

/**
 * Whether `ch` ends an @-mention. WeChat inserts U+2005 (four-per-em space)
 * after a picked mention; people, PC/Mac clients and the chat prompt type a
 * normal space. Every parser and stripper of mentions uses this one rule.
 */
export function isMentionTerminator(ch: string | undefined): boolean {
  return (
    ch === undefined ||
    ch === '\u2005' ||
    ch === ' ' ||
    ch === '\n' ||
    ch === '\t' ||
    ch === '\u3000' ||
    ch === '\u00a0' ||
    ch === '\r'
  );
}

// `@` right after one of these is part of a word or an e-mail address, not a mention.
const WORDISH_RE = /[A-Za-z0-9._%+-]/;

/**
 * A room's names, indexed so a mention costs a few map lookups instead of a
 * pass over the roster. Built once per roster and reused while the roster and
 * its members' contact records are the same objects (checked per message by
 * identity: no string work). The contact store's rosters (`RoomMembers`) build
 * a member value on every read, so for them identity is checked on the roster
 * itself, which never changes once built (a new member list is a new roster).
 */
interface RosterIndex {
  /**
   * Roster order, for validation; undefined for a `RoomMembers` roster, whose member values are built on each
   * read (keeping them would hold an object per member that the compact roster exists to avoid).
   */
  readonly members: RoomMember[] | undefined;
  /** `directory.contact(member.userName)` when built, same order. */
  readonly contacts: (Contact | undefined)[];
  /** Room DisplayName → the first member (roster order) with it. */
  readonly display: Map<string, string>;
  /** Roster or contact-record NickName → the first member with it; the contact record can beat a stale roster. */
  readonly nick: Map<string, string>;
  /** Longest name in either map. */
  readonly longest: number;
}

const indexes = new WeakMap<ReadonlyMap<string, RoomMember>, RosterIndex>();

function buildIndex(roster: ReadonlyMap<string, RoomMember>, directory: ContactDirectory): RosterIndex {
  const compact = roster instanceof RoomMembers;
  const members: RoomMember[] = [];
  const contacts: (Contact | undefined)[] = [];
  const display = new Map<string, string>();
  const nick = new Map<string, string>();
  let longest = 0;
  const add = (map: Map<string, string>, name: string, userName: string): void => {
    if (name === '' || map.has(name)) return;
    map.set(name, userName);
    if (name.length > longest) longest = name.length;
  };
  for (const member of roster.values()) {
    const contact = directory.contact(member.userName);
    if (!compact) members.push(member);
    contacts.push(contact);
    add(display, member.displayName, member.userName);
    add(nick, member.nickName, member.userName);
    if (contact !== undefined) add(nick, contact.nickName, member.userName);
  }
  return { members: compact ? undefined : members, contacts, display, nick, longest };
}

function isCurrent(index: RosterIndex, roster: ReadonlyMap<string, RoomMember>, directory: ContactDirectory): boolean {
  if (index.contacts.length !== roster.size) return false;
  let i = 0;
  if (roster instanceof RoomMembers) {
    // Immutable, and its members are fresh values on every read (so never identical to the index's): only
    // the contact records, which a contact update replaces, can have changed. Read by position: no
    // iterator, no member value.
    for (; i < index.contacts.length; i++)
      if (index.contacts[i] !== directory.contact(roster.userNameAt(i))) return false;
    return true;
  }
  const members = index.members;
  if (members === undefined) return false;
  for (const member of roster.values()) {
    if (members[i] !== member || index.contacts[i] !== directory.contact(member.userName)) return false;
    i++;
  }
  return true;
}

function rosterIndex(room: Room | undefined, directory: ContactDirectory): RosterIndex | undefined {
  if (room === undefined || room.members.size === 0) return undefined;
  const roster = room.members;
  let index = indexes.get(roster);
  if (index === undefined || !isCurrent(index, roster, directory)) {
    index = buildIndex(roster, directory);
    indexes.set(roster, index);
  }
  return index;
}

/**
 * Finds `@Name` mentions in cleaned text. A mention is `@` (not preceded by a
 * word/e-mail character) followed by a member's DisplayName or NickName and
 * then U+2005, whitespace or the end of the text; the longest such name wins,
 * a DisplayName beats a NickName, then roster order, then the bot's own name.
 * When the room roster is unknown, names still count (in `mentionNames`) if
 * they are a whitespace-terminated token, but cannot be resolved to user names.
 */
export function findMentions(text: string, room: Room | undefined, directory: ContactDirectory): MentionResult {
  let at = text.indexOf('@');
  if (at === -1) return NO_MENTIONS;
  const index = rosterIndex(room, directory);
  const self = directory.self;
  const selfName = self.nickName;
  const longest = Math.max(index?.longest ?? 0, selfName.length);
  let mentions: string[] | undefined;
  let mentionNames: string[] | undefined;
  while (at !== -1) {
    let next = at + 1;
    const before = at > 0 ? text[at - 1] : undefined;
    if (before === undefined || !WORDISH_RE.test(before)) {
      let matchedName: string | undefined;
      let matchedUser: string | undefined;
      // A name ends where a terminator (or the text) does; try the longest first.
      for (let end = Math.min(text.length, at + 1 + longest); end > at + 1; end--) {
        if (end < text.length && !isMentionTerminator(text[end])) continue;
        const name = text.slice(at + 1, end);
        const userName =
          index?.display.get(name) ?? index?.nick.get(name) ?? (name === selfName ? self.userName : undefined);
        if (userName !== undefined) {
          matchedName = name;
          matchedUser = userName;
          break;
        }
      }
      if (matchedName !== undefined && matchedUser !== undefined) {
        (mentionNames ??= []).push(matchedName);
        mentions ??= [];
        if (!mentions.includes(matchedUser)) mentions.push(matchedUser);
        next = at + 1 + matchedName.length;
      } else if (index === undefined) {
        let end = at + 1;
        while (end < text.length && !isMentionTerminator(text[end]) && text[end] !== '@') end++;
        if (end > at + 1 && text[end] !== '@') {
          (mentionNames ??= []).push(text.slice(at + 1, end));
          next = end;
        }
      }
    }
    at = text.indexOf('@', next);
  }
  if (mentionNames === undefined) return NO_MENTIONS;
  const found = mentions ?? [];
  return { mentions: found, mentionNames, mentionsSelf: found.includes(self.userName) };
}

/**
 * Removes `@name` mentions of any of `names` (e.g. the bot's own names) from
 * `text`, whatever separator follows them (U+2005, a space, a line break, or
 * the end of the text), and trims the result, so `exact` and anchored rules
 * match "@Bot hi" however it was typed. A name must be followed by a
 * terminator: "@Botany" does not lose "@Bot".
 */
export function stripMentions(text: string, names: readonly string[]): string {
  // Longest first, so "@Bot Two" is not cut to " Two" by a shorter "Bot".
  const sorted = names.filter((n) => n !== '').sort((a, b) => b.length - a.length);
  if (sorted.length === 0 || !text.includes('@')) return text.trim();
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const before = i > 0 ? text[i - 1] : undefined;
    if (ch === '@' && (before === undefined || !WORDISH_RE.test(before))) {
      const name = sorted.find((n) => text.startsWith(n, i + 1) && isMentionTerminator(text[i + 1 + n.length]));
      if (name !== undefined) {
        const end = i + 1 + name.length;
        // One separator stays between the words either side: "a @Bot b" → "a b".
        if (out !== '' && !isMentionTerminator(out[out.length - 1])) out += ' ';
        i = end < text.length ? end + 1 : end;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out.trim();
}
