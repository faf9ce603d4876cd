import { jest } from '@jest/globals';

import { WebApi } from '../../src/wire/endpoints.js';
import type { Credentials } from '../../src/client/credentials.js';
import { NetworkError } from '../../src/client/errors.js';
import type { Http } from '../../src/client/http.js';
import { ObservedApi, SendReconciler, type ReconcilerOptions } from '../../src/client/send-reconcile.js';
import { surelyNotSent } from '../../src/client/send-policy.js';
import type { SyncCheckResult } from '../../src/wire/synccheck.js';
import type { RawMessage, SyncResponse } from '../../src/wire/types.js';

// Unit tests finish in milliseconds; a mutant that stalls one should cost the mutation run little.
jest.setTimeout(2000);

const SELF = '@self';

function reconciler(extra: Partial<ReconcilerOptions> = {}): {
  r: SendReconciler;
  matches: Array<[string, string]>;
  answered: Set<string>;
  learned: () => number;
} {
  const matches: Array<[string, string]> = [];
  const answered = new Set<string>();
  let learned = 0;
  const r = new SendReconciler({
    boundMs: 60_000,
    selfName: () => SELF,
    session: () => 's',
    isAnswered: (id) => answered.has(id),
    onMatch: (cid, id) => matches.push([cid, id]),
    echoes: () => false,
    onEchoesLearned: () => learned++,
    ...extra,
  });
  return { r, matches, answered, learned: () => learned };
}

const echo = (msgId: unknown, to: string, type: number, extra: Record<string, unknown> = {}): RawMessage =>
  ({
    MsgId: msgId,
    FromUserName: SELF,
    ToUserName: to,
    MsgType: type,
    Content: '',
    CreateTime: 0,
    ...extra,
  }) as RawMessage;
const sync = (list: unknown, more = false): SyncResponse =>
  ({ AddMsgList: list, ContinueFlag: more ? 1 : 0 }) as unknown as SyncResponse;
const shape = (cid: string, msgType: number, extra: { to?: string; content?: string; sentAt?: number } = {}) => ({
  clientMsgId: cid,
  to: extra.to ?? '@bob',
  msgType,
  content: extra.content,
  sentAt: extra.sentAt ?? 0,
});
/** Settles (or not) within a few turns: the verdict so far. */
async function peek(p: Promise<unknown>): Promise<unknown> {
  let v: unknown = 'pending';
  void p.then((x) => (v = x));
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  return v;
}

describe('SendReconciler echo shapes', () => {
  it('media keeps its type in the echo (3, 43, 47); files and links come back as appmsg 49', async () => {
    const { r, matches } = reconciler();
    for (const [i, t] of [3, 43, 47, 6].entries()) r.track(shape(`c${i}`, t));
    r.synced(r.starting(), sync([echo('e6', '@bob', 6), echo('e49', '@bob', 49), echo('e47', '@bob', 47)], true));
    r.synced(r.starting(), sync([echo('e43', '@bob', 43), echo('e3', '@bob', 3)], true));
    expect(matches).toEqual([
      ['c3', 'e49'],
      ['c2', 'e47'],
      ['c1', 'e43'],
      ['c0', 'e3'],
    ]);
  });

  it('an echo carrying the ClientMsgId or LocalID is matched by it, whatever else it says', () => {
    const { r, matches } = reconciler();
    r.track(shape('c1', 1, { content: 'one' }));
    r.track(shape('c2', 1, { content: 'two' }));
    r.synced(
      r.starting(),
      sync(
        [
          echo('e2', '@other', 34, { LocalID: 'c2' }),
          echo('e1', '@other', 34, { ClientMsgId: 'c1' }),
          echo('e3', '@other', 34, { ClientMsgId: 'c1' }), // c1 already has its echo
        ],
        true,
      ),
    );
    expect(matches).toEqual([
      ['c2', 'e2'],
      ['c1', 'e1'],
    ]);
  });

  it('reads numeric MsgIds, and skips entries without an id, not from self, or not objects', () => {
    const { r, matches } = reconciler();
    r.track(shape('c1', 3));
    r.track(shape('c2', 3));
    r.synced(
      r.starting(),
      sync(
        [
          null,
          'x',
          echo('', '@bob', 3),
          echo(undefined, '@bob', 3),
          { ...echo('e0', '@bob', 3), FromUserName: '@bob' },
          echo(77, '@bob', 3),
        ],
        true,
      ),
    );
    expect(matches).toEqual([['c1', '77']]);
  });

  it('texts match on decoded content; a sibling probe with other text is skipped', () => {
    const { r, matches } = reconciler();
    r.track(shape('c1', 1, { content: 'first' }));
    r.track(shape('c2', 1, { content: 'second' }));
    r.synced(
      r.starting(),
      sync([echo('e2', '@bob', 1, { Content: 'second' }), echo('e9', '@bob', 1, { Content: 7 })], true),
    );
    expect(matches).toEqual([['c2', 'e2']]);
  });

  it('an echo created up to two minutes before the send still counts (clock skew), not more', () => {
    const { r, matches } = reconciler();
    const sentAt = 1_000_000_000;
    r.track(shape('c1', 3, { sentAt }));
    r.synced(r.starting(), sync([echo('old', '@bob', 3, { CreateTime: (sentAt - 121_000) / 1000 })], true));
    expect(matches).toEqual([]);
    r.synced(r.starting(), sync([echo('skew', '@bob', 3, { CreateTime: (sentAt - 120_000) / 1000 })], true));
    expect(matches).toEqual([['c1', 'skew']]);
  });

  it('without its own name nothing is matched; a repeated track of one ClientMsgId is not forgotten by the old handle', async () => {
    let me: string | undefined = undefined;
    const { r, matches } = reconciler({ selfName: () => me });
    const old = r.track(shape('c1', 3));
    r.synced(r.starting(), sync([echo('e1', '@bob', 3)], true));
    expect(matches).toEqual([]);
    const again = r.track(shape('c1', 3));
    old.discard();
    expect(r.tracking).toBe(1);
    me = SELF;
    r.synced(r.starting(), sync([echo('e2', '@bob', 3)], true));
    expect(matches).toEqual([['c1', 'e2']]);
    again.answered('e2');
    expect(r.tracking).toBe(0);
  });
});

describe('SendReconciler proof', () => {
  it('only synccheck 0/0 proves absence; other answers and non-list AddMsgLists do not', async () => {
    const { r } = reconciler();
    const verdict = r.track(shape('c1', 1, { content: 'x' })).lost();
    r.syncChecked(r.starting(), { retcode: 0, selector: 2 });
    r.syncChecked(r.starting(), { retcode: 1101, selector: 0 });
    r.synced(r.starting(), sync('nope'));
    expect(await peek(verdict)).toBe('pending');
    r.synced(r.starting(), sync([echo('o1', '@carol', 3, { FromUserName: '@carol' })]));
    expect(await peek(verdict)).toBe('absent');
  });

  it('four answered sends without echoes still trust silence; the fifth does not, unless echoes were seen before', async () => {
    const four = reconciler();
    for (let i = 0; i < 4; i++) four.r.track(shape(`a${i}`, 3)).answered(`m${i}`);
    const v4 = four.r.track(shape('c', 1, { content: 'x' })).lost();
    four.r.syncChecked(four.r.starting(), { retcode: 0, selector: 0 });
    expect(await v4).toBe('absent');

    const known = reconciler({ echoes: () => true });
    for (let i = 0; i < 5; i++) known.r.track(shape(`a${i}`, 3)).answered(`m${i}`);
    const vk = known.r.track(shape('c', 1, { content: 'x' })).lost();
    known.r.syncChecked(known.r.starting(), { retcode: 0, selector: 0 });
    expect(await vk).toBe('absent');
  });

  it('an answered send whose echo was seen teaches that the server echoes: reported once, and not when already known', async () => {
    const fresh = reconciler();
    for (let i = 0; i < 2; i++) {
      const p = fresh.r.track(shape(`c${i}`, 3));
      fresh.r.synced(fresh.r.starting(), sync([echo(`e${i}`, '@bob', 3)], true));
      p.answered(`e${i}`);
    }
    expect(fresh.learned()).toBe(1);
    const other = fresh.r.track(shape('x', 3));
    other.answered('not-its-echo');
    expect(fresh.learned()).toBe(1);
    // Echoes learned: silence proves absence even after many answered sends without echoes.
    for (let i = 0; i < 6; i++) fresh.r.track(shape(`n${i}`, 3)).answered(`m${i}`);
    const v = fresh.r.track(shape('z', 1, { content: 'z' })).lost();
    fresh.r.syncChecked(fresh.r.starting(), { retcode: 0, selector: 0 });
    expect(await v).toBe('absent');

    const known = reconciler({ echoes: () => true });
    const p = known.r.track(shape('c', 3));
    known.r.synced(known.r.starting(), sync([echo('e', '@bob', 3)], true));
    p.answered('e');
    expect(known.learned()).toBe(0);

    const unanswered = reconciler();
    unanswered.answered.add('srv');
    unanswered.r.synced(unanswered.r.starting(), sync([echo('srv', '@bob', 3)], true));
    unanswered.r.synced(unanswered.r.starting(), sync([echo('srv2', '@bob', 3)], true));
    expect(unanswered.learned()).toBe(1);
  });

  it('abandon() answers every waiting probe unknown and stops tracking them', async () => {
    const { r } = reconciler();
    const a = r.track(shape('c1', 1, { content: 'a' })).lost();
    const b = r.track(shape('c2', 1, { content: 'b' })).lost();
    r.track(shape('c3', 3)); // in flight: nothing to answer yet
    r.abandon();
    await expect(a).resolves.toBe('unknown');
    await expect(b).resolves.toBe('unknown');
    expect(r.tracking).toBe(1);
  });

  it('the bound starts when the answer is found lost', async () => {
    jest.useFakeTimers();
    try {
      const { r } = reconciler({ boundMs: 1000 });
      const v = r.track(shape('c1', 1, { content: 'a' })).lost();
      await jest.advanceTimersByTimeAsync(999);
      expect(await Promise.race([v, Promise.resolve('pending')])).toBe('pending');
      await jest.advanceTimersByTimeAsync(1);
      await expect(v).resolves.toBe('unknown');
      expect(r.tracking).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('ObservedApi', () => {
  it('numbers each synccheck and webwxsync before it starts and reports the answer', async () => {
    const check: SyncCheckResult = { retcode: 0, selector: 0 };
    const answer = sync([]);
    const syncCheck = jest.spyOn(WebApi.prototype, 'syncCheck').mockResolvedValue(check);
    const syncFn = jest.spyOn(WebApi.prototype, 'sync').mockResolvedValue(answer);
    try {
      const api = new ObservedApi({} as unknown as Http, () => ({}) as unknown as Credentials, 'en', 1000);
      expect(await api.syncCheck()).toBe(check); // no reconciler: passes through
      expect(await api.sync()).toBe(answer);
      const seen: unknown[] = [];
      api.reconciler = {
        starting: () => seen.push('start') && seen.length,
        syncChecked: (n: number, r: unknown) => seen.push(['checked', n, r]),
        synced: (n: number, r: unknown) => seen.push(['synced', n, r]),
      } as unknown as SendReconciler;
      expect(await api.syncCheck()).toBe(check);
      expect(await api.sync()).toBe(answer);
      expect(seen).toEqual(['start', ['checked', 1, check], 'start', ['synced', 3, answer]]);
      expect(syncCheck).toHaveBeenCalledTimes(2);
      expect(syncFn).toHaveBeenCalledTimes(2);
    } finally {
      syncCheck.mockRestore();
      syncFn.mockRestore();
    }
  });
});

describe('surelyNotSent', () => {
  const withCode = (code: unknown): NetworkError =>
    new NetworkError('webwxsendmsg', 'x', undefined, { cause: Object.assign(new Error('x'), { code }) });

  it('knows every code of a connection that was never made, and nothing else', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL'])
      expect([code, surelyNotSent(withCode(code))]).toEqual([code, true]);
    for (const code of ['ECONNRESET', 'ETIMEDOUT', '', 7, undefined]) expect(surelyNotSent(withCode(code))).toBe(false);
    expect(surelyNotSent(new NetworkError('x', 'y', undefined, { cause: 'ECONNREFUSED' }))).toBe(false);
    expect(surelyNotSent(new NetworkError('x', 'y', undefined, { cause: null }))).toBe(false);
    expect(surelyNotSent(new NetworkError('x', 'y'))).toBe(false);
  });
});
