import { jest } from '@jest/globals';
import type { RawMessage, SyncResponse } from '../../src/wire/types.js';
import { SendReconciler, type ReconcilerOptions } from '../../src/client/send-reconcile.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const SELF = '@self';

function reconciler(extra: Partial<ReconcilerOptions> = {}): {
  r: SendReconciler;
  matches: Array<[string, string]>;
  answered: Set<string>;
  learned: number[];
} {
  const matches: Array<[string, string]> = [];
  const answered = new Set<string>();
  const learned: number[] = [];
  const r = new SendReconciler({
    boundMs: 60_000,
    selfName: () => SELF,
    session: () => 's',
    isAnswered: (id) => answered.has(id),
    onMatch: (cid, id) => matches.push([cid, id]),
    echoes: () => false,
    onEchoesLearned: () => learned.push(1),
    ...extra,
  });
  return { r, matches, answered, learned };
}

function echo(msgId: string, to: string, content: string, type = 1): RawMessage {
  return {
    MsgId: msgId,
    FromUserName: SELF,
    ToUserName: to,
    MsgType: type,
    Content: content,
    CreateTime: 0,
  };
}

function sync(list: RawMessage[], more = false): SyncResponse {
  return { AddMsgList: list, ContinueFlag: more ? 1 : 0 } as unknown as SyncResponse;
}

describe('SendReconciler', () => {
  it('matches a lost text by recipient and decoded content, and resolves with the echo MsgId', async () => {
    const { r, matches } = reconciler();
    const p = r.track({ clientMsgId: 'c1', to: '@bob', msgType: 1, content: 'a < b\nc', sentAt: 0 });
    const verdict = p.lost();
    const s = r.starting();
    // Another chat's echo, and the same text to someone else, are not it.
    r.synced(s, sync([echo('9', '@alice', 'a &lt; b<br/>c'), echo('10', '@bob', 'a &lt; b<br/>c')]));
    await expect(verdict).resolves.toEqual({ arrived: '10' });
    expect(matches).toEqual([['c1', '10']]);
    expect(r.tracking).toBe(0);
  });

  it('an echo that came while the request was still in flight settles it when the answer is then lost', async () => {
    const { r, matches } = reconciler();
    const p = r.track({ clientMsgId: 'c1', to: '@bob', msgType: 3, sentAt: 0 });
    r.synced(r.starting(), sync([echo('11', '@bob', '<msg/>', 3)]));
    expect(matches).toEqual([['c1', '11']]);
    await expect(p.lost()).resolves.toEqual({ arrived: '11' });
  });

  it('an echo of an answered send, or one already claimed, is nobody else’s', async () => {
    const { r, answered, learned } = reconciler();
    answered.add('20');
    const p = r.track({ clientMsgId: 'c2', to: '@bob', msgType: 1, content: 'ok', sentAt: 0 });
    const verdict = p.lost();
    const s = r.starting();
    r.synced(s, sync([echo('20', '@bob', 'ok')], true));
    expect(learned).toEqual([1]); // the server echoes sends
    r.synced(r.starting(), sync([echo('21', '@bob', 'ok')]));
    await expect(verdict).resolves.toEqual({ arrived: '21' });
    const q = r.track({ clientMsgId: 'c3', to: '@bob', msgType: 1, content: 'ok', sentAt: 0 });
    const again = q.lost();
    r.synced(r.starting(), sync([echo('21', '@bob', 'ok')]));
    await expect(again).resolves.toBe('absent');
  });

  it('absence needs a sync that started after the failure: an older one proves nothing', async () => {
    const { r } = reconciler();
    const before = r.starting();
    const p = r.track({ clientMsgId: 'c4', to: '@bob', msgType: 1, content: 'x', sentAt: 0 });
    let settled: unknown;
    void p.lost().then((v) => (settled = v));
    r.syncChecked(before, { retcode: 0, selector: 0 });
    r.synced(before, sync([]));
    await new Promise((res) => setImmediate(res));
    expect(settled).toBeUndefined();
    // More data pending (ContinueFlag) is not proof either; "nothing new" from a later synccheck is.
    r.synced(r.starting(), sync([], true));
    await new Promise((res) => setImmediate(res));
    expect(settled).toBeUndefined();
    // An empty answer after "something new" is a stuck server, not proof.
    r.synced(r.starting(), sync([]));
    await new Promise((res) => setImmediate(res));
    expect(settled).toBeUndefined();
    r.syncChecked(r.starting(), { retcode: 0, selector: 0 });
    await new Promise((res) => setImmediate(res));
    expect(settled).toBe('absent');
  });

  it('a later webwxsync that brought other messages and everything it had proves absence', async () => {
    const { r } = reconciler();
    const verdict = r.track({ clientMsgId: 'c10', to: '@bob', msgType: 1, content: 'x', sentAt: 0 }).lost();
    r.synced(r.starting(), sync([{ ...echo('50', '@bob', 'hello'), FromUserName: '@bob', ToUserName: SELF }]));
    await expect(verdict).resolves.toBe('absent');
  });

  it('a server seen answering sends but never echoing them proves nothing by silence: unknown, never re-sent', async () => {
    const { r } = reconciler();
    for (let i = 0; i < 5; i++)
      r.track({ clientMsgId: `ok${i}`, to: '@bob', msgType: 1, content: `${i}`, sentAt: 0 }).answered(`${i}`);
    const p = r.track({ clientMsgId: 'c5', to: '@bob', msgType: 1, content: 'y', sentAt: 0 });
    const verdict = p.lost();
    r.syncChecked(r.starting(), { retcode: 0, selector: 0 });
    await expect(verdict).resolves.toBe('unknown');
  });

  it('without proof either way the bound answers unknown', async () => {
    const { r } = reconciler({ boundMs: 30 });
    const started = Date.now();
    await expect(r.track({ clientMsgId: 'c6', to: '@bob', msgType: 1, content: 'z', sentAt: 0 }).lost()).resolves.toBe(
      'unknown',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('an identical text created before the send (CreateTime) is an older message, not its echo', async () => {
    const { r, matches } = reconciler();
    const now = Date.now();
    const verdict = r.track({ clientMsgId: 'c8', to: '@bob', msgType: 1, content: 'hi', sentAt: now }).lost();
    const old = { ...echo('40', '@bob', 'hi'), CreateTime: Math.floor((now - 600_000) / 1000) };
    const fresh = { ...echo('41', '@bob', 'hi'), CreateTime: Math.floor(now / 1000) };
    r.synced(r.starting(), sync([old, fresh]));
    await expect(verdict).resolves.toEqual({ arrived: '41' });
    expect(matches).toEqual([['c8', '41']]);
  });

  it('a probe of another session is never proven absent by this session’s syncs', async () => {
    let session = 'a';
    const { r } = reconciler({ session: () => session });
    const verdict = r.track({ clientMsgId: 'c9', to: '@bob', msgType: 1, content: 'q', sentAt: 0 }).lost();
    session = 'b';
    r.syncChecked(r.starting(), { retcode: 0, selector: 0 });
    await expect(verdict).resolves.toBe('unknown');
  });

  it('a refusal discards the probe: a later identical echo is not taken for it', () => {
    const { r, matches } = reconciler();
    r.track({ clientMsgId: 'c7', to: '@bob', msgType: 1, content: 'q', sentAt: 0 }).discard();
    r.synced(r.starting(), sync([echo('30', '@bob', 'q')]));
    expect(matches).toEqual([]);
  });
});
