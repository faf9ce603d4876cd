import { parseStatusNotify } from '../../src/message/index.js';
import { alignedPairs } from '../../src/message/status-notify.js';
import { fixture } from './fixtures.js';

describe('parseStatusNotify', () => {
  it('pairs the <username> list with StatusNotifyUserName by position', () => {
    const parsed = parseStatusNotify(fixture('status_notify'));
    expect(parsed?.code).toBe(4);
    expect(parsed?.stableIds).toEqual(['wxid_carol0001', 'filehelper', '5550001111@chatroom']);
    expect(parsed?.pairs.map((p) => p.stableId)).toEqual(parsed?.stableIds);
    expect(parsed?.userNames).toHaveLength(3);
  });

  it('keeps positions when a slot is empty, and pairs only full slots', () => {
    const parsed = parseStatusNotify({
      MsgType: 51,
      StatusNotifyCode: 4,
      StatusNotifyUserName: '@a,,@c',
      Content: '<msg><op id="4"><username>wxid_a,wxid_b,wxid_c</username></op></msg>',
    });
    expect(parsed?.pairs).toEqual([
      { stableId: 'wxid_a', userName: '@a' },
      { stableId: 'wxid_c', userName: '@c' },
    ]);
  });

  it('returns undefined for other types and garbage; empty lists for a 51 without ids', () => {
    expect(parseStatusNotify(fixture('text_private_entities_emoji'))).toBeUndefined();
    expect(parseStatusNotify(null)).toBeUndefined();
    expect(parseStatusNotify('51')).toBeUndefined();
    expect(parseStatusNotify({ MsgType: 51, StatusNotifyCode: 2, StatusNotifyUserName: '@x' })).toEqual({
      code: 2,
      stableIds: [],
      userNames: ['@x'],
      pairs: [],
    });
  });

  it('alignedPairs: the pairs only when both lists line up; a list of another length yields none (never guess)', () => {
    const content =
      "&lt;msg&gt;<br/>&lt;op id='4'&gt;<br/>&lt;username&gt;wxid_aa,filehelper,123@chatroom&lt;/username&gt;<br/>&lt;/op&gt;<br/>&lt;/msg&gt;";
    const entry = (names: string): unknown => ({
      MsgType: 51,
      StatusNotifyCode: 4,
      Content: content,
      StatusNotifyUserName: names,
    });
    expect(alignedPairs(parseStatusNotify(entry('@a1,filehelper,@@r1'))!)).toEqual([
      { stableId: 'wxid_aa', userName: '@a1' },
      { stableId: 'filehelper', userName: 'filehelper' },
      { stableId: '123@chatroom', userName: '@@r1' },
    ]);
    expect(alignedPairs(parseStatusNotify(entry('@a1,filehelper'))!)).toEqual([]);
  });
});
