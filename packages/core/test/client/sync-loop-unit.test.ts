import { jest } from '@jest/globals';
import { pino } from 'pino';

import { MemoryContactStore } from '../../src/contact/store.js';
import type { SyncCheckResult } from '../../src/wire/synccheck.js';
import { CredentialSlot } from '../../src/client/cred-slot.js';
import { Credentials } from '../../src/client/credentials.js';
import { EchoTracker } from '../../src/client/echo.js';
import { LoggedOut, NetworkError, ServerError } from '../../src/client/errors.js';
import { ClientEmitter } from '../../src/client/events.js';
import { HistoryCutoff } from '../../src/client/history-cutoff.js';
import { SyncLoop, type SyncLoopDeps } from '../../src/client/sync-loop.js';
import type { SyncResponse } from '../../src/wire/types.js';

// The loop's control flow on scripted answers and a fake clock: no simulator, fail fast.
jest.setTimeout(2000);

const log = pino({ level: 'silent' });
const hosts = { login: 'http://l', main: 'http://m', file: 'http://f', push: 'http://p' };

type H = ReturnType<typeof harness>;
type Check = SyncCheckResult | Error | (() => SyncCheckResult | Promise<SyncCheckResult>);
type Sync = Partial<SyncResponse> | Error | (() => Partial<SyncResponse>);

const BUSY: SyncCheckResult = { retcode: 0, selector: 2 };
const IDLE: SyncCheckResult = { retcode: 0, selector: 0 };
const END: SyncCheckResult = { retcode: 1101, selector: 0 };

/** One message in a webwxsync answer (what makes a sync count as not empty). */
function withMessage(id: string, flag = 0): Partial<SyncResponse> {
  const answer = {
    ContinueFlag: flag,
    AddMsgCount: 1,
    AddMsgList: [{ MsgId: id, MsgType: 1, FromUserName: '@alice', ToUserName: '@self', Content: 'hi', CreateTime: 1 }],
  };
  return answer;
}

function harness(
  checks: Check[],
  syncs: Sync[] = [],
  o: Partial<SyncLoopDeps['o']> = {},
  more: { noCred?: boolean; stuck?: SyncLoopDeps['reports']['stuck'] } = {},
) {
  const reported: string[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  const times: Record<string, number[]> = { syncCheck: [], sync: [] };
  const cred = new CredentialSlot();
  if (!more.noCred) {
    cred.current = new Credentials(1, 'sid', 'skey', 'ticket', 'e1', hosts);
    cred.current.resetKeys({ Count: 1, List: [{ Key: 1, Val: 1 }] }, undefined);
  }
  const ctl = new AbortController();
  let syncing = true;
  const events = new ClientEmitter(log);
  events.on('error', ({ error, context }) => errors.push(`${context}: ${error.message}`));
  const deps: SyncLoopDeps = {
    o: { minPollMs: 0, stuckThreshold: 3, backoffBase: 0, backoffMax: 0, ...o },
    log,
    api: {
      syncCheck: async () => {
        times['syncCheck']!.push(Date.now());
        const c = checks.shift() ?? END;
        if (c instanceof Error) throw c;
        return typeof c === 'function' ? c() : c;
      },
      sync: async () => {
        times['sync']!.push(Date.now());
        const s = syncs.shift() ?? { ContinueFlag: 0 };
        if (s instanceof Error) throw s;
        const r = typeof s === 'function' ? s() : s;
        return { BaseResponse: { Ret: 0 }, ContinueFlag: 0, ...r } as unknown as SyncResponse;
      },
    },
    cred,
    contacts: new MemoryContactStore(),
    cursor: {
      failed: (_c, err) => {
        failed.push((err as Error).message);
        return Promise.resolve();
      },
      accepted: () => undefined,
    },
    echo: new EchoTracker(),
    history: new HistoryCutoff(false),
    inbox: {
      skip: () => Promise.resolve(0),
      accept: () => Promise.resolve([]),
      deliverPending: () => undefined,
      started: () => undefined,
    },
    events,
    checkpoint: () => undefined,
    syncing: () => syncing,
    signal: ctl.signal,
    reports: {
      loggedOut: (endpoint, ret) => {
        reported.push(`logged out: ${endpoint} ${ret}`);
      },
      stuck: (running) => {
        reported.push('stuck');
        return more.stuck ? more.stuck(running) : Promise.resolve('continue');
      },
    },
  };
  const loop = new SyncLoop(deps);
  return {
    loop,
    reported,
    failed,
    errors,
    times,
    abort: () => ctl.abort(),
    leaveSyncing: () => {
      syncing = false;
    },
  };
}

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('SyncLoop', () => {
  test('each logout code of synccheck is reported with its code', async () => {
    const seen: string[] = [];
    for (const retcode of [1100, 1101, 1102]) {
      const h = harness([{ retcode, selector: 0 }]);
      h.loop.start();
      await h.loop.done;
      seen.push(...h.reported);
    }
    expect(seen).toEqual(['logged out: synccheck 1100', 'logged out: synccheck 1101', 'logged out: synccheck 1102']);
  });

  test('another retcode is a failure: the cursor hears of it, the error names the attempt, and it retries', async () => {
    const h = harness([{ retcode: 1205, selector: 0 }, { retcode: 7, selector: 0 }, IDLE, { retcode: 9, selector: 0 }]);
    h.loop.start();
    await h.loop.done;
    expect(h.failed).toEqual([
      'synccheck: server answered Ret 1205: unexpected retcode',
      'synccheck: server answered Ret 7: unexpected retcode',
      'synccheck: server answered Ret 9: unexpected retcode',
    ]);
    // A good answer resets the count of failures.
    expect(h.errors).toEqual([
      'sync loop (attempt 1, retrying in 0 ms): synccheck: server answered Ret 1205: unexpected retcode',
      'sync loop (attempt 2, retrying in 0 ms): synccheck: server answered Ret 7: unexpected retcode',
      'sync loop (attempt 1, retrying in 0 ms): synccheck: server answered Ret 9: unexpected retcode',
    ]);
    expect(h.reported).toEqual(['logged out: synccheck 1101']);
  });

  test('retries back off by the attempt count', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const fail = new NetworkError('synccheck', 'reset');
    const h = harness([fail, fail, IDLE], [], { backoffBase: 100, backoffMax: 10_000 });
    h.loop.start();
    await jest.advanceTimersByTimeAsync(1000);
    await h.loop.done;
    const t = h.times['syncCheck']!.map((x) => x - 1_000_000);
    // attempt 1: up to 200 ms; attempt 2: up to 400 ms.
    expect(t).toEqual([0, 200, 600, 600]);
    expect(h.errors[1]).toBe('sync loop (attempt 2, retrying in 400 ms): synccheck: reset');
  });

  test('without credentials a failure is still retried, and the cursor is not asked', async () => {
    const h = harness([new NetworkError('synccheck', 'reset')], [], {}, { noCred: true });
    h.loop.start();
    await h.loop.done;
    expect(h.failed).toEqual([]);
    expect(h.errors).toHaveLength(1);
    expect(h.reported).toEqual(['logged out: synccheck 1101']);
  });

  test('a LoggedOut thrown by a request is reported with its endpoint and code', async () => {
    const h = harness([BUSY], [new LoggedOut('webwxsync', 1102)]);
    h.loop.start();
    await h.loop.done;
    expect(h.reported).toEqual(['logged out: webwxsync 1102']);
    expect(h.errors).toEqual([]);
  });

  test('an idle synccheck waits out minPollMs from when it started before the next one', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const h = harness(
      [
        () => {
          jest.setSystemTime(Date.now() + 30);
          return IDLE;
        },
        IDLE,
      ],
      [],
      { minPollMs: 100 },
    );
    h.loop.start();
    await jest.advanceTimersByTimeAsync(69);
    expect(h.times['syncCheck']).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.times['syncCheck']).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(100);
    await h.loop.done;
    expect(h.times['syncCheck']!.map((x) => x - 1_000_000)).toEqual([0, 100, 200]);
  });

  test('a sync that brings something resets the count of empty ones', async () => {
    const h = harness([BUSY, BUSY, BUSY, BUSY, BUSY], [{}, {}, withMessage('1'), {}, {}]);
    h.loop.start();
    await h.loop.done;
    expect(h.reported).toEqual(['logged out: synccheck 1101']);
  });

  test('after a sync that brought something, the next synccheck waits until the inbox has started its handlers', async () => {
    const h = harness([BUSY, BUSY], [withMessage('1'), withMessage('2')]);
    const deps = (h.loop as unknown as { d: SyncLoopDeps }).d;
    let release: () => void = () => undefined;
    let asked = 0;
    deps.inbox.started = () => {
      asked++;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    h.loop.start();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // One poll and its sync so far: the second poll is held while handlers wait to start.
    expect([h.times['syncCheck']!.length, h.times['sync']!.length, asked]).toEqual([1, 1, 1]);
    release();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect([h.times['syncCheck']!.length, h.times['sync']!.length, asked]).toEqual([2, 2, 2]);
    release();
    await h.loop.done;
    expect(h.reported).toEqual(['logged out: synccheck 1101']);
  });

  test('stuck is reported after stuckThreshold empty syncs in a row, and counting starts again after it', async () => {
    const h = harness([BUSY, BUSY, BUSY, BUSY, BUSY, BUSY, BUSY, BUSY], [], { stuckThreshold: 4 });
    h.loop.start();
    await h.loop.done;
    expect(h.reported).toEqual(['stuck', 'stuck', 'logged out: synccheck 1101']);
  });

  test('follows ContinueFlag within one selector, at most 50 rounds', async () => {
    const more = (): Partial<SyncResponse> => ({ ContinueFlag: 1 });
    const h = harness([BUSY, BUSY], [withMessage('1', 1), {}, ...Array.from({ length: 60 }, () => more)]);
    h.loop.start();
    await h.loop.done;
    expect(h.times['sync']).toHaveLength(2 + 50);
  });

  test('lastProgress moves with every answer', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const seen: number[] = [];
    const h: H = harness(
      [
        () => {
          jest.setSystemTime(1_000_500);
          return BUSY;
        },
      ],
      [
        () => {
          seen.push(h.loop.lastProgress);
          jest.setSystemTime(1_000_900);
          return {};
        },
      ],
      { stuckThreshold: 1 },
      {
        stuck: () => {
          seen.push(h.loop.lastProgress);
          return Promise.resolve('stop');
        },
      },
    );
    h.loop.lastProgress = 0;
    h.loop.start();
    expect(h.loop.lastProgress).toBe(1_000_000);
    await jest.advanceTimersByTimeAsync(10);
    await h.loop.done;
    expect(seen).toEqual([1_000_500, 1_000_900]);
  });

  test('a loop stopped while synccheck is in flight ends without acting on the answer', async () => {
    const h: H = harness([
      () => {
        h.loop.stop();
        return END;
      },
    ]);
    h.loop.start();
    await h.loop.done;
    expect(h.reported).toEqual([]);
  });

  test('a loop stopped while webwxsync is in flight applies nothing more and ends', async () => {
    let accepted = 0;
    const h: H = harness(
      [BUSY],
      [
        () => {
          h.loop.stop();
          return withMessage('1', 1);
        },
      ],
    );
    (h.loop as unknown as { d: SyncLoopDeps }).d.inbox.accept = () => {
      accepted++;
      return Promise.resolve([]);
    };
    h.loop.start();
    await h.loop.done;
    expect(accepted).toBe(0);
    expect(h.times['sync']).toHaveLength(1);
    expect(h.reported).toEqual([]);
  });

  test('a failure after the loop was stopped, aborted or left syncing is not reported', async () => {
    for (const end of ['stop', 'abort', 'state'] as const) {
      const h: H = harness([
        () => {
          if (end === 'stop') h.loop.stop();
          else if (end === 'abort') h.abort();
          else h.leaveSyncing();
          throw new ServerError('synccheck', 5);
        },
      ]);
      h.loop.start();
      await h.loop.done;
      expect([end, h.errors, h.failed, h.reported]).toEqual([end, [], [], []]);
    }
  });

  test('a new start() ends the old loop; the stuck question answers for the current loop only', async () => {
    let asked: (() => boolean) | undefined;
    const h = harness(
      [BUSY],
      [],
      { stuckThreshold: 1 },
      {
        stuck: (running) => {
          asked = running;
          return Promise.resolve('stop');
        },
      },
    );
    h.loop.start();
    await h.loop.done;
    expect(asked?.()).toBe(true);
    h.abort();
    expect(asked?.()).toBe(false);
  });

  test('a loop that crashes is reported, and done settles', async () => {
    const h = harness([new LoggedOut('synccheck', 1101)]);
    (h.loop as unknown as { d: SyncLoopDeps }).d.reports.loggedOut = () => {
      throw new Error('listener bug');
    };
    h.loop.start();
    await h.loop.done;
    expect(h.errors).toEqual(['sync loop crashed: listener bug']);
  });
});
