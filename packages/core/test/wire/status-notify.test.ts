import {
  alignedPairs,
  MAX_STATUS_NAME_CHARS,
  MAX_STATUS_NAMES,
  parseStatusNotify,
} from '../../src/wire/status-notify.js';
import { fixture } from '../message/fixtures.js';

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

describe('parseStatusNotify bounds', () => {
  const entry = (ids: string, names: string): unknown => ({
    MsgType: 51,
    StatusNotifyCode: 4,
    Content: `&lt;msg&gt;<br/>&lt;op id='4'&gt;<br/>&lt;username&gt;${ids}&lt;/username&gt;<br/>&lt;/op&gt;<br/>&lt;/msg&gt;`,
    StatusNotifyUserName: names,
  });
  const list = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join(',');

  it('reads a list of MAX_STATUS_NAMES in full and pairs it', () => {
    const n = MAX_STATUS_NAMES;
    const sn = parseStatusNotify(
      entry(
        list(n, (i) => `wxid_${i}`),
        list(n, (i) => `@u${i}`),
      ),
    )!;
    expect(sn.truncated).toBeUndefined();
    expect(alignedPairs(sn)).toHaveLength(n);
    expect(alignedPairs(sn)[n - 1]).toEqual({ stableId: `wxid_${n - 1}`, userName: `@u${n - 1}` });
  });

  it('500k names: reads at most MAX_STATUS_NAMES per list, marks it truncated and trusts no pairs', () => {
    const n = 500_000;
    const sn = parseStatusNotify(
      entry(
        list(n, (i) => `wxid_${i}`),
        list(n, (i) => `@${'f'.repeat(60)}${i}`),
      ),
    )!;
    expect(sn.truncated).toBe(true);
    expect(sn.stableIds.length).toBeLessThanOrEqual(MAX_STATUS_NAMES);
    expect(sn.userNames.length).toBeLessThanOrEqual(MAX_STATUS_NAMES);
    expect(alignedPairs(sn)).toEqual([]);
  });

  it('one name longer than MAX_STATUS_NAME_CHARS is an empty slot; positions still line up', () => {
    const long = 'x'.repeat(MAX_STATUS_NAME_CHARS + 1);
    const sn = parseStatusNotify(entry(`wxid_a,${long},wxid_c`, '@a,@b,@c'))!;
    expect(sn.stableIds).toEqual(['wxid_a', '', 'wxid_c']);
    expect(alignedPairs(sn)).toEqual([
      { stableId: 'wxid_a', userName: '@a' },
      { stableId: 'wxid_c', userName: '@c' },
    ]);
  });

  it('a list with no closing tag is read up to the bound only', () => {
    const content = `<msg><op id="4"><username>${list(MAX_STATUS_NAMES + 5, (i) => `wxid_${i}`)}`;
    const sn = parseStatusNotify({ MsgType: 51, StatusNotifyCode: 4, Content: content, StatusNotifyUserName: '@a' })!;
    expect(sn.stableIds.length).toBeLessThanOrEqual(MAX_STATUS_NAMES);
    expect(sn.truncated).toBe(true);
  });
});
