import { jest } from '@jest/globals';
import { pino } from 'pino';
import { MemoryContactStore } from '../../src/contact/store.js';
import type { SyncCheckResult } from '../../src/wire/synccheck.js';
import { CredentialSlot } from '../../src/client/cred-slot.js';
import { Credentials } from '../../src/client/credentials.js';
import { EchoTracker } from '../../src/client/echo.js';
import { ClientEmitter } from '../../src/client/events.js';
import { HistoryCutoff } from '../../src/client/history-cutoff.js';
import { SyncLoop, type SyncLoopDeps, type SyncReports } from '../../src/client/sync-loop.js';
import type { SyncResponse } from '../../src/wire/types.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const log = pino({ level: 'silent' });
const hosts = { login: 'http://l', main: 'http://m', file: 'http://f', push: 'http://p' };

/** A sync loop over scripted synccheck answers; what it reports is recorded, never acted on. */
function harness(checks: SyncCheckResult[], reply: SyncReports['stuck'] = () => Promise.resolve('stop')) {
  const reported: string[] = [];
  let syncs = 0;
  const cred = new CredentialSlot();
  cred.current = new Credentials(1, 'sid', 'skey', 'ticket', 'e1', hosts);
  cred.current.resetKeys({ Count: 1, List: [{ Key: 1, Val: 1 }] }, undefined);
  const ctl = new AbortController();
  const deps: SyncLoopDeps = {
    o: { minPollMs: 0, stuckThreshold: 3, backoffBase: 1, backoffMax: 1 },
    log,
    api: {
      syncCheck: () => Promise.resolve(checks.shift() ?? { retcode: 1101, selector: 0 }),
      sync: () => {
        syncs++;
        return Promise.resolve({ BaseResponse: { Ret: 0 }, ContinueFlag: 0 } as unknown as SyncResponse);
      },
    },
    cred,
    contacts: new MemoryContactStore(),
    cursor: { failed: () => Promise.resolve(), accepted: () => undefined },
    echo: new EchoTracker(),
    history: new HistoryCutoff(false),
    inbox: {
      skip: () => Promise.resolve(0),
      accept: () => Promise.resolve([]),
      deliverPending: () => undefined,
      started: () => undefined,
    },
    events: new ClientEmitter(log),
    checkpoint: () => undefined,
    syncing: () => true,
    signal: ctl.signal,
    reports: {
      loggedOut: (endpoint, ret) => {
        reported.push(`logged out: ${endpoint} ${ret}`);
      },
      stuck: (running) => {
        reported.push(`stuck (running: ${running()})`);
        return reply(running);
      },
    },
  };
  return { loop: new SyncLoop(deps), reported, syncs: () => syncs, stop: () => ctl.abort() };
}

test('a logout answer is reported and ends the loop; the loop does not recover by itself', async () => {
  const h = harness([
    { retcode: 0, selector: 0 },
    { retcode: 1101, selector: 0 },
  ]);
  h.loop.start();
  await h.loop.done;
  expect(h.reported).toEqual(['logged out: synccheck 1101']);
});

test('a selector that keeps signalling with empty syncs is reported as stuck; "stop" ends the loop', async () => {
  const busy = { retcode: 0, selector: 2 };
  const h = harness([busy, busy, busy, busy, busy, busy]);
  h.loop.start();
  await h.loop.done;
  expect(h.syncs()).toBe(3);
  expect(h.reported).toEqual(['stuck (running: true)']);
});

test('"continue" keeps polling, and a stopped loop is no longer running for whoever was asked', async () => {
  const busy = { retcode: 0, selector: 2 };
  let asked: (() => boolean) | undefined;
  const h = harness([busy, busy, busy, busy, busy, busy, { retcode: 1102, selector: 0 }], (running) => {
    asked = running;
    return Promise.resolve('continue');
  });
  h.loop.start();
  await h.loop.done;
  expect(h.reported).toEqual(['stuck (running: true)', 'stuck (running: true)', 'logged out: synccheck 1102']);
  h.loop.stop();
  expect(asked?.()).toBe(false);
});
