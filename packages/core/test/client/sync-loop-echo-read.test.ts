import { jest } from '@jest/globals';
import { pino } from 'pino';

import { CredentialSlot } from '../../src/client/cred-slot.js';
import { Credentials } from '../../src/client/credentials.js';
import { EchoTracker } from '../../src/client/echo.js';
import { ClientEmitter } from '../../src/client/events.js';
import { HistoryCutoff } from '../../src/client/history-cutoff.js';
import { ECHO_WAIT_MS, SyncLoop, type SyncLoopDeps } from '../../src/client/sync-loop.js';
import { MemoryContactStore } from '../../src/contact/store.js';
import type { SyncCheckResult } from '../../src/wire/synccheck.js';
import type { SyncResponse } from '../../src/wire/types.js';

// Decision 0037: once the server has taken a reply, the loop reads its echo with webwxsync at once
// instead of asking synccheck first. Scripted answers, a real EchoTracker, no simulator.
jest.setTimeout(3000);

const log = pino({ level: 'silent' });
const hosts = { login: 'http://l', main: 'http://m', file: 'http://f', push: 'http://p' };
const BUSY: SyncCheckResult = { retcode: 0, selector: 2 };
const END: SyncCheckResult = { retcode: 1101, selector: 0 };

const withMessage = (id: string): Partial<SyncResponse> => ({
  AddMsgCount: 1,
  AddMsgList: [{ MsgId: id, MsgType: 1, FromUserName: '@alice', ToUserName: '@self', Content: 'hi', CreateTime: 1 }],
});

/** What the "handler" of each delivered batch does with its reply: answered after `ms`, failed, or never answered. */
type Reply = { answerAfterMs: number } | 'fails' | 'hangs' | 'none';

function harness(checks: SyncCheckResult[], syncs: Partial<SyncResponse>[], replies: Reply[], stuckThreshold = 3) {
  const calls: string[] = [];
  const echo = new EchoTracker();
  const cred = new CredentialSlot();
  cred.current = new Credentials(1, 'sid', 'skey', 'ticket', 'e1', hosts);
  cred.current.resetKeys({ Count: 1, List: [{ Key: 1, Val: 1 }] }, undefined);
  const reported: string[] = [];
  const releases: Array<() => void> = [];
  const deps: SyncLoopDeps = {
    o: { minPollMs: 0, stuckThreshold, backoffBase: 0, backoffMax: 0 },
    log,
    api: {
      syncCheck: () => {
        calls.push(`synccheck @${Date.now()}`);
        return Promise.resolve(checks.shift() ?? END);
      },
      sync: () => {
        calls.push(`webwxsync @${Date.now()}`);
        return Promise.resolve({ BaseResponse: { Ret: 0 }, ContinueFlag: 0, ...syncs.shift() } as SyncResponse);
      },
    },
    cred,
    contacts: new MemoryContactStore(),
    cursor: { failed: () => Promise.resolve(), accepted: () => undefined },
    echo,
    history: new HistoryCutoff(false),
    inbox: {
      skip: () => Promise.resolve(0),
      accept: () => Promise.resolve([]),
      // The handler of what the sync brought sends its reply as it starts.
      deliverPending: () => {
        const reply = replies.shift() ?? 'none';
        if (reply === 'none') return;
        const release = echo.sending('@alice', 1, 'pong');
        if (reply === 'hangs') {
          releases.push(release);
          return;
        }
        const ms = reply === 'fails' ? 1 : reply.answerAfterMs;
        setTimeout(() => {
          if (reply !== 'fails') echo.answered(`m${calls.length}`);
          release();
        }, ms);
      },
      started: () => undefined,
    },
    events: new ClientEmitter(log),
    checkpoint: () => undefined,
    syncing: () => true,
    signal: new AbortController().signal,
    reports: {
      loggedOut: (endpoint) => {
        reported.push(`logged out: ${endpoint}`);
      },
      stuck: () => {
        reported.push('stuck');
        return Promise.resolve('continue');
      },
    },
  };
  return { loop: new SyncLoop(deps), calls, reported, releases, echo };
}

afterEach(() => jest.useRealTimers());

test('a reply the server took is read back with webwxsync at once, without asking synccheck', async () => {
  jest.useFakeTimers({ now: 0 });
  const h = harness([BUSY], [withMessage('1'), withMessage('echo')], [{ answerAfterMs: 3 }]);
  h.loop.start();
  await jest.advanceTimersByTimeAsync(100);
  await h.loop.done;
  // synccheck → webwxsync (the message) → reply answered at 3 ms → webwxsync (its echo) → synccheck.
  expect(h.calls.slice(0, 3)).toEqual(['synccheck @0', 'webwxsync @0', 'webwxsync @3']);
  expect(h.calls.map((c) => c.split(' @')[0])).toEqual(['synccheck', 'webwxsync', 'webwxsync', 'synccheck']);
  expect(h.reported).toEqual(['logged out: synccheck']);
});

test('a reply not answered within ECHO_WAIT_MS is left to synccheck: a slow send never holds the poll longer', async () => {
  jest.useFakeTimers({ now: 0 });
  const h = harness([BUSY], [withMessage('1')], ['hangs']);
  h.loop.start();
  await jest.advanceTimersByTimeAsync(ECHO_WAIT_MS + 100);
  await h.loop.done;
  expect(h.calls).toEqual(['synccheck @0', 'webwxsync @0', `synccheck @${ECHO_WAIT_MS}`]);
  for (const release of h.releases) release();
});

test('a reply that failed (no echo to read) goes back to synccheck as soon as it settled', async () => {
  jest.useFakeTimers({ now: 0 });
  const h = harness([BUSY], [withMessage('1')], ['fails']);
  h.loop.start();
  await jest.advanceTimersByTimeAsync(100);
  await h.loop.done;
  expect(h.calls).toEqual(['synccheck @0', 'webwxsync @0', 'synccheck @1']);
});

test('no reply, no wait: the next synccheck follows the sync', async () => {
  const h = harness([BUSY], [withMessage('1')], ['none']);
  h.loop.start();
  await h.loop.done;
  expect(h.calls.map((c) => c.split(' @')[0])).toEqual(['synccheck', 'webwxsync', 'synccheck']);
});

test('a read that finds nothing (the echo came earlier) is not counted towards a stuck selector', async () => {
  jest.useFakeTimers({ now: 0 });
  // stuckThreshold 1: a single empty sync after a signal would be reported.
  const h = harness([BUSY, BUSY], [withMessage('1'), {}, withMessage('2')], [{ answerAfterMs: 2 }], 1);
  h.loop.start();
  await jest.advanceTimersByTimeAsync(100);
  await h.loop.done;
  expect(h.calls.map((c) => c.split(' @')[0])).toEqual([
    'synccheck',
    'webwxsync', // the message
    'webwxsync', // read for the echo: empty
    'synccheck',
    'webwxsync', // message 2, no reply
    'synccheck',
  ]);
  expect(h.reported).toEqual(['logged out: synccheck']);
});

test('a send already out before the read (a timer, a bulk send) does not hold the next poll', async () => {
  jest.useFakeTimers({ now: 0 });
  const h = harness([BUSY], [withMessage('1')], ['none']);
  const unrelated = h.echo.sending('@bob', 1, 'scheduled');
  h.loop.start();
  await jest.advanceTimersByTimeAsync(ECHO_WAIT_MS + 100);
  await h.loop.done;
  expect(h.calls).toEqual(['synccheck @0', 'webwxsync @0', 'synccheck @0']);
  unrelated();
});
