import { describeAction } from '../../src/cli/action-line.js';
import type { ContactStore } from '../../src/client/types.js';
import type { ActionRecord } from '../../src/plugin/types.js';

const contacts: Pick<ContactStore, 'contact' | 'member'> = {
  contact: (u) =>
    (
      ({
        '@alice': { userName: '@alice', nickName: 'Alice', remarkName: '' },
        '@bob': { userName: '@bob', nickName: 'bob88', remarkName: 'Bob' },
        '@@room': { userName: '@@room', nickName: '', remarkName: '', topic: 'Family' },
      }) as Record<string, unknown>
    )[u] as ReturnType<ContactStore['contact']>,
  member: (room, u) =>
    room === '@@room' && u === '@carol' ? { userName: '@carol', nickName: 'carol', displayName: '小红' } : undefined,
};

function record(part: Partial<ActionRecord>): ActionRecord {
  return {
    seq: 1,
    at: 0,
    action: 'send',
    plugin: 'p',
    cause: undefined,
    target: '@x',
    targetName: undefined,
    status: 'done',
    ...part,
  };
}

describe('action lines', () => {
  test('people and rooms by name, never by session id', () => {
    expect(describeAction(record({ target: '@bob', content: { type: 'text', text: 'hi' } }), contacts)).toBe(
      'bot → Bob: hi (by p)',
    );
    expect(
      describeAction(
        record({ action: 'removeMembers', target: '@@room', members: ['@carol', '@alice', '@ghost'] }),
        contacts,
      ),
    ).toBe('bot removeMembers Family [小红, Alice, someone unknown] (by p)');
    expect(describeAction(record({ target: '@@nobody', content: { type: 'image', name: 'a.png' } }), contacts)).toBe(
      'bot → an unnamed room: [image a.png] (by p)',
    );
    expect(describeAction(record({ target: '@bob', targetName: 'Bobby', action: 'acceptFriend' }), contacts)).toBe(
      'bot accepted the friend request of Bobby (by p)',
    );
  });

  test('the actions of issue 16 read as sentences', () => {
    const line = (part: Partial<ActionRecord>): string => describeAction(record(part), contacts);
    expect(line({ action: 'download', target: '@@room' })).toBe(
      'bot downloaded the media of a message in Family (by p)',
    );
    expect(line({ action: 'avatar', target: '@alice' })).toBe('bot fetched the avatar of Alice (by p)');
    expect(line({ action: 'revoke', target: '@bob' })).toBe('bot revoked its message to Bob (by p)');
    expect(line({ action: 'forward', target: '@bob' })).toBe('bot forwarded a message to Bob (by p)');
    expect(line({ action: 'markRead', target: '@@room' })).toBe('bot marked Family read (by p)');
    expect(line({ action: 'addFriend', target: '@alice' })).toBe('bot sent a friend request to Alice (by p)');
    expect(line({ action: 'createRoom', target: '', topic: 'Team', members: ['@alice', '@bob'] })).toBe(
      'bot created the room "Team" with Alice, Bob (by p)',
    );
  });
});
