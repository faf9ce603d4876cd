import type { ContactDirectory, Room } from '../contact/types.js';

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

interface Candidate {
  readonly name: string;
  readonly userName: string;
  /** 0 = room DisplayName, 1 = NickName: a DisplayName wins a tie. */
  readonly rank: number;
}

/** WeChat inserts U+2005 (four-per-em space) after a picked mention; people type spaces. */
function isTerminator(ch: string | undefined): boolean {
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

function collectCandidates(room: Room | undefined, directory: ContactDirectory): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const add = (name: string, userName: string, rank: number): void => {
    if (name === '') return;
    const key = `${rank}\u0000${userName}\u0000${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, userName, rank });
  };
  if (room !== undefined) {
    for (const member of room.members.values()) {
      add(member.displayName, member.userName, 0);
      add(member.nickName, member.userName, 1);
      // The roster's NickName can be stale or a placeholder; the contact record is often better.
      const contact = directory.contact(member.userName);
      if (contact !== undefined) add(contact.nickName, member.userName, 1);
    }
  }
  const self = directory.self;
  add(self.nickName, self.userName, 1);
  // Longest name first (so "Ann Lee" beats "Ann"), then DisplayName before NickName.
  out.sort((a, b) => b.name.length - a.name.length || a.rank - b.rank);
  return out;
}

/**
 * Finds `@Name` mentions in cleaned text. A mention is `@` (not preceded by a
 * word/e-mail character) followed by a member's DisplayName or NickName and
 * then U+2005, whitespace or the end of the text. When the room roster is
 * unknown, names still count (in `mentionNames`) if they are a whitespace-
 * terminated token, but cannot be resolved to user names.
 */
export function findMentions(text: string, room: Room | undefined, directory: ContactDirectory): MentionResult {
  let at = text.indexOf('@');
  if (at === -1) return NO_MENTIONS;
  const rosterKnown = room !== undefined && room.members.size > 0;
  const candidates = collectCandidates(room, directory);
  const selfUserName = directory.self.userName;
  const mentions: string[] = [];
  const mentionNames: string[] = [];
  while (at !== -1) {
    let next = at + 1;
    const before = at > 0 ? text[at - 1] : undefined;
    if (before === undefined || !WORDISH_RE.test(before)) {
      let matched: Candidate | undefined;
      for (const candidate of candidates) {
        if (text.startsWith(candidate.name, at + 1) && isTerminator(text[at + 1 + candidate.name.length])) {
          matched = candidate;
          break;
        }
      }
      if (matched !== undefined) {
        mentionNames.push(matched.name);
        if (!mentions.includes(matched.userName)) mentions.push(matched.userName);
        next = at + 1 + matched.name.length;
      } else if (!rosterKnown) {
        let end = at + 1;
        while (end < text.length && !isTerminator(text[end]) && text[end] !== '@') end++;
        if (end > at + 1 && text[end] !== '@') {
          mentionNames.push(text.slice(at + 1, end));
          next = end;
        }
      }
    }
    at = text.indexOf('@', next);
  }
  if (mentionNames.length === 0) return NO_MENTIONS;
  return { mentions, mentionNames, mentionsSelf: mentions.includes(selfUserName) };
}
