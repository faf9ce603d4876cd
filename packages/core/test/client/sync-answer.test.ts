import { checkSync } from '../../src/client/sync-answer.js';
import type { SyncResponse } from '../../src/wire/types.js';

const answer = (lists: Record<string, unknown>): SyncResponse => ({ ...lists }) as unknown as SyncResponse;

describe('checkSync', () => {
  it('keeps well-formed entries and counts the rest, whatever shape the lists have', () => {
    const sync = checkSync(
      answer({
        ModContactList: [null, 'oops', { NickName: 'no UserName' }, { UserName: '@a', NickName: 'A' }],
        DelContactList: { UserName: '@not-a-list' },
        ModChatRoomMemberList: [
          { UserName: '@@r', MemberList: { UserName: '@x' } },
          { UserName: '@@s', MemberList: [{ UserName: '@m' }, 7] },
        ],
        AddMsgList: 'oops',
      }),
    );
    expect(sync.contacts.map((c) => c.UserName)).toEqual(['@a']);
    expect(sync.deleted).toEqual([]);
    expect(sync.members).toEqual([
      { UserName: '@@r', MemberList: [] },
      { UserName: '@@s', MemberList: [{ UserName: '@m' }] },
    ]);
    expect(sync.messages).toEqual([]);
    expect(sync.skipped).toBe(7);
  });

  it('never drops a message for its id: MsgId, else NewMsgId, else a digest that a resent copy shares', () => {
    const entry = { MsgType: 1, FromUserName: '@a', Content: 'no id at all', CreateTime: 1 };
    const sync = checkSync(
      answer({
        AddMsgList: [
          null,
          { MsgId: 123, MsgType: 1 },
          { NewMsgId: '456', MsgType: 1 },
          { ...entry },
          { ...entry, Content: 'other' },
        ],
      }),
    );
    const ids = sync.messages.map((m) => m.MsgId);
    expect(ids.slice(0, 2)).toEqual(['123', '456']);
    expect(ids[2]).toMatch(/^digest:[0-9a-f]{20}$/);
    expect(ids[3]).not.toBe(ids[2]);
    expect(checkSync(answer({ AddMsgList: [{ ...entry }] })).messages[0]!.MsgId).toBe(ids[2]);
    expect(sync.skipped).toBe(1);
  });

  it('drops empty names and non-object messages, keeps MemberCount only as a number, and takes null for absent', () => {
    const sync = checkSync(
      answer({
        ModContactList: [{ UserName: '' }, { UserName: '@b' }],
        DelContactList: null,
        ModChatRoomMemberList: [
          { UserName: '@@n', MemberList: [], MemberCount: 3 },
          { UserName: '@@s', MemberList: [], MemberCount: '3' },
        ],
        AddMsgList: ['a string', 5, [], { MsgId: 'm1', MsgType: 1 }],
      }),
    );
    expect(sync.contacts.map((c) => c.UserName)).toEqual(['@b']);
    expect(sync.members).toStrictEqual([
      { UserName: '@@n', MemberList: [], MemberCount: 3 },
      { UserName: '@@s', MemberList: [] },
    ]);
    expect(sync.messages.map((m) => m.MsgId)).toEqual(['m1']);
    expect(sync.skipped).toBe(4);
  });
});
