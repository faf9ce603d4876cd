import { People, RoomMembers } from '../../src/contact/members.js';
import type { Contact, ContactDirectory, Room, RoomMember } from '../../src/contact/types.js';
import { findMentions, stripMentions, type MentionResult } from '../../src/message/mentions.js';
import { contact } from '../plugin/helpers.js';

/**
 * The straightforward matcher findMentions replaced (every candidate name,
 * sorted longest first, tried at each `@`): an oracle for the indexed one.
 */
function referenceFindMentions(text: string, room: Room | undefined, directory: ContactDirectory): MentionResult {
  const terminator = (ch: string | undefined): boolean =>
    ch === undefined || ['\u2005', ' ', '\n', '\t', '\u3000', '\u00a0', '\r'].includes(ch);
  const candidates: { name: string; userName: string; rank: number }[] = [];
  for (const member of room?.members.values() ?? []) {
    candidates.push({ name: member.displayName, userName: member.userName, rank: 0 });
    candidates.push({ name: member.nickName, userName: member.userName, rank: 1 });
    const contact = directory.contact(member.userName);
    if (contact !== undefined) candidates.push({ name: contact.nickName, userName: member.userName, rank: 1 });
  }
  candidates.push({ name: directory.self.nickName, userName: directory.self.userName, rank: 1 });
  const sorted = candidates
    .filter((c) => c.name !== '')
    .sort((a, b) => b.name.length - a.name.length || a.rank - b.rank);
  const rosterKnown = room !== undefined && room.members.size > 0;
  const mentions: string[] = [];
  const mentionNames: string[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    let next = at + 1;
    if (at === 0 || !/[A-Za-z0-9._%+-]/.test(text[at - 1]!)) {
      const hit = sorted.find((c) => text.startsWith(c.name, at + 1) && terminator(text[at + 1 + c.name.length]));
      if (hit !== undefined) {
        mentionNames.push(hit.name);
        if (!mentions.includes(hit.userName)) mentions.push(hit.userName);
        next = at + 1 + hit.name.length;
      } else if (!rosterKnown) {
        let end = at + 1;
        while (end < text.length && !terminator(text[end]) && text[end] !== '@') end++;
        if (end > at + 1 && text[end] !== '@') {
          mentionNames.push(text.slice(at + 1, end));
          next = end;
        }
      }
    }
    at = text.indexOf('@', next);
  }
  return { mentions, mentionNames, mentionsSelf: mentions.includes(directory.self.userName) };
}

function member(userName: string, nickName: string, displayName = ''): RoomMember {
  return { userName, nickName, displayName };
}

function room(members: RoomMember[]): Room {
  return {
    ...contact('@@room', 'Room'),
    kind: 'room',
    topic: 'Room',
    members: new Map(members.map((m) => [m.userName, m])),
    ownerUserName: undefined,
  };
}

function directoryOf(self: Contact, contacts: Map<string, Contact>): ContactDirectory {
  return {
    self,
    contact: (userName) => contacts.get(userName),
    room: () => undefined,
    member: () => undefined,
    byStableId: () => undefined,
  };
}

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('findMentions', () => {
  it('agrees with the reference matcher on random rosters and texts', () => {
    // Few short name parts, so names collide, nest ("Ann" / "Ann Lee") and coincide across members.
    const parts = ['Ann', 'Lee', 'Bo', 'A', '阿丽', '🐱', 'x@y', 'Ann Lee', ''];
    const seps = ['\u2005', ' ', '', '\n', '@', 'a', '.', '\u3000'];
    for (let seed = 1; seed <= 400; seed++) {
      const random = rng(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const name = (): string => (random() < 0.5 ? pick(parts) : `${pick(parts)}${pick([' ', ''])}${pick(parts)}`);
      const self = contact('@self', name() || 'Bot');
      const contacts = new Map<string, Contact>([[self.userName, self]]);
      const members: RoomMember[] = [];
      const count = Math.floor(random() * 8);
      for (let i = 0; i < count; i++) {
        const userName = random() < 0.15 ? self.userName : `@m${i}`;
        if (members.some((m) => m.userName === userName)) continue;
        members.push(member(userName, name(), random() < 0.5 ? name() : ''));
        if (userName !== self.userName && random() < 0.5) contacts.set(userName, contact(userName, name()));
      }
      const directory = directoryOf(self, contacts);
      const theRoom = random() < 0.15 ? undefined : room(members);
      for (let t = 0; t < 10; t++) {
        let text = '';
        const pieces = 1 + Math.floor(random() * 6);
        for (let p = 0; p < pieces; p++) text += `${pick(['', '@', '@', 'hi '])}${name()}${pick(seps)}`;
        expect([text, findMentions(text, theRoom, directory)]).toEqual([
          text,
          referenceFindMentions(text, theRoom, directory),
        ]);
      }
    }
  });

  describe('sees directory changes between messages', () => {
    const self = contact('@self', 'Bot');
    const bob = member('@bob', 'Bob');

    it('a contact record renamed (a new Contact object)', () => {
      const contacts = new Map<string, Contact>([[self.userName, self]]);
      const directory = directoryOf(self, contacts);
      const theRoom = room([bob]);
      expect(findMentions('@Robert hi', theRoom, directory).mentions).toEqual([]);
      contacts.set('@bob', contact('@bob', 'Robert'));
      expect(findMentions('@Robert hi', theRoom, directory).mentions).toEqual(['@bob']);
      contacts.delete('@bob');
      expect(findMentions('@Robert hi', theRoom, directory).mentions).toEqual([]);
    });

    it('a roster changed in place, and a new roster', () => {
      const directory = directoryOf(self, new Map([[self.userName, self]]));
      const theRoom = room([bob]);
      expect(findMentions('@Bobby hi', theRoom, directory).mentions).toEqual([]);
      (theRoom.members as Map<string, RoomMember>).set('@bob', member('@bob', 'Bob', 'Bobby'));
      expect(findMentions('@Bobby hi', theRoom, directory).mentions).toEqual(['@bob']);
      const next = room([bob, member('@carl', 'Carl')]);
      expect(findMentions('@Carl @Bob', next, directory).mentions).toEqual(['@carl', '@bob']);
    });

    it('a contact record renamed, in a room the way the contact store keeps it (RoomMembers)', () => {
      const contacts = new Map<string, Contact>([[self.userName, self]]);
      const directory = directoryOf(self, contacts);
      const theRoom = storeRoom([bob, member('@carl', 'Carl')]);
      expect(findMentions('@Robert hi', theRoom, directory).mentions).toEqual([]);
      contacts.set('@bob', contact('@bob', 'Robert'));
      expect(findMentions('@Robert hi', theRoom, directory).mentions).toEqual(['@bob']);
    });

    it('the bot renamed', () => {
      const theRoom = room([bob]);
      expect(findMentions('@Bot hi', theRoom, directoryOf(self, new Map())).mentionsSelf).toBe(true);
      const renamed = contact('@self', 'Helper');
      const after = directoryOf(renamed, new Map());
      expect(findMentions('@Bot hi', theRoom, after).mentionsSelf).toBe(false);
      expect(findMentions('@Helper hi', theRoom, after).mentionsSelf).toBe(true);
    });
  });

  it("indexes the contact store's roster once, not on every message (its member values are new on each read)", () => {
    class CountingMembers extends RoomMembers {
      reads = 0;
      override *values(): MapIterator<RoomMember> {
        this.reads++;
        yield* super.values();
      }
    }
    const people = new People();
    const list = Array.from({ length: 300 }, (_, i) => member(`@m${i}`, `Member ${i}`));
    const roster = new CountingMembers(
      people,
      list.map((m) => ({ id: people.idOf(m.userName, m.nickName), displayName: m.displayName })),
    );
    const theRoom: Room = { ...room([]), members: roster };
    const self = contact('@self', 'Bot');
    const directory = directoryOf(self, new Map([[self.userName, self]]));
    for (let i = 0; i < 50; i++)
      expect(findMentions(`@Member ${i}\u2005hi`, theRoom, directory).mentions).toEqual([`@m${i}`]);
    expect(roster.reads).toBe(1);
  });
});

/** A room as the contact store holds it: a compact RoomMembers over a People table. */
function storeRoom(members: RoomMember[]): Room {
  const people = new People();
  return {
    ...room([]),
    members: new RoomMembers(
      people,
      members.map((m) => ({ id: people.idOf(m.userName, m.nickName), displayName: m.displayName })),
    ),
  };
}

describe('stripMentions', () => {
  test.each([
    ['@Bot\u2005hi', 'hi'],
    ['@Bot hi', 'hi'],
    ['@Bot\thi', 'hi'],
    ['@Bot\u3000hi', 'hi'],
    ['hi @Bot', 'hi'],
    ['@Bot', ''],
    ['a @Bot b', 'a b'],
    ['@Bot\u2005@Bot hi', 'hi'],
    ['@Bot Two hi', 'hi'],
  ])('%j → %j', (text, expected) => {
    expect(stripMentions(text, ['Bot', 'Bot Two'])).toBe(expected);
  });
  test('leaves other names, longer words and e-mail addresses alone', () => {
    expect(stripMentions('@Botany hi', ['Bot'])).toBe('@Botany hi');
    expect(stripMentions('@Alice hi', ['Bot'])).toBe('@Alice hi');
    expect(stripMentions('mail me@Bot now', ['Bot'])).toBe('mail me@Bot now');
    expect(stripMentions('  hi  there ', [])).toBe('hi  there');
  });
});
