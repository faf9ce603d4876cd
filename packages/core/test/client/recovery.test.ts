import { jest } from '@jest/globals';
import { pino } from 'pino';

import { ClientEmitter } from '../../src/client/events.js';
import { LoggedOut, LoginForbidden, NetworkError, ServerError } from '../../src/client/errors.js';
import { Lifecycle } from '../../src/client/lifecycle.js';
import { Recovery, type RecoveryDeps } from '../../src/client/recovery.js';
import type { ClientState } from '../../src/client/types.js';
import type { Contact } from '../../src/contact/types.js';

// Unit tests of the recovery chain and the stuck-selector breaker: no simulator, fail fast.
jest.setTimeout(2000);

const SELF = { userName: '@self', nickName: 'Bot' } as Contact;

type Step = 'ok' | Error;
type LogoutStep = 'reinit' | 'push' | 'qr';

/** A Recovery over scripted login steps; every call and event is recorded in order. */
function harness(opts: { onLogout?: LogoutStep[]; steps?: Partial<Record<LogoutStep, Step[]>>; base?: number } = {}) {
  const calls: string[] = [];
  const events: string[] = [];
  const payloads: Record<string, unknown[]> = {};
  const states: ClientState[] = [];
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const ctl = new AbortController();
  const lifecycle = new Lifecycle(ctl.signal, ({ to }) => states.push(to));
  lifecycle.set('syncing');
  states.length = 0;
  const emitter = new ClientEmitter(pino({ level: 'silent' }));
  for (const name of ['logout', 'recovered', 'login', 'error'] as const) {
    emitter.on(name, (p: unknown) => {
      const e = p as { error?: Error; context?: string };
      events.push(name === 'error' ? `error: ${e.context}: ${e.error?.message}` : name);
      (payloads[name] ??= []).push(p);
    });
  }
  const steps = opts.steps ?? {};
  const run = (step: LogoutStep): Promise<void> => {
    calls.push(step);
    const next = steps[step]?.shift() ?? 'ok';
    return next === 'ok' ? Promise.resolve() : Promise.reject(next);
  };
  const deps: RecoveryDeps = {
    o: { onLogout: opts.onLogout ?? ['reinit', 'push', 'qr'], backoffBase: opts.base ?? 0, backoffMax: 1000 },
    log,
    events: emitter,
    lifecycle,
    login: {
      reinit: () => run('reinit'),
      relogin: (step) => run(step),
    },
    loop: {
      start: () => calls.push('loop.start'),
      stop: () => calls.push('loop.stop'),
    },
    deliverPending: () => calls.push('deliver'),
    self: () => SELF,
    signal: ctl.signal,
  };
  return { recovery: new Recovery(deps), calls, events, payloads, states, lifecycle, lines, abort: () => ctl.abort() };
}

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('Recovery.onLogout', () => {
  test('names the reason of each logout code in the logout event; the retcode only when there is one', async () => {
    const seen: unknown[] = [];
    for (const ret of [1100, 1101, 1102, 1205, undefined]) {
      const h = harness({ onLogout: ['reinit'] });
      await h.recovery.onLogout('synccheck', ret);
      seen.push(h.payloads['logout']?.[0]);
    }
    expect(seen).toEqual([
      { reason: 'not-logged-in', retcode: 1100, endpoint: 'synccheck' },
      { reason: 'logged-out-elsewhere', retcode: 1101, endpoint: 'synccheck' },
      { reason: 'cookie-invalid', retcode: 1102, endpoint: 'synccheck' },
      { reason: 'unknown', retcode: 1205, endpoint: 'synccheck' },
      { reason: 'unknown', endpoint: 'synccheck' },
    ]);
  });

  test('stops the loop, tries the steps in order, and on the first success syncs again and hands the inbox over', async () => {
    const h = harness({ steps: { reinit: [new NetworkError('webwxinit', 'reset')] } });
    await h.recovery.onLogout('webwxsync', 1101);
    expect(h.calls).toEqual(['loop.stop', 'reinit', 'push', 'loop.start', 'deliver']);
    expect(h.states).toEqual(['recovering', 'syncing']);
    expect(h.events).toEqual([
      'logout',
      'error: recovery step reinit failed: webwxinit: reset',
      'recovered',
      'login', // a push or QR login is a new login; a re-init is not
    ]);
    expect(h.payloads['recovered']).toEqual([{ via: 'push', attempt: 2 }]);
    expect(h.payloads['login']).toEqual([{ self: SELF, via: 'push' }]);
    expect(h.lifecycle.recovering).toBe(false);
    expect(h.lines.find((l) => l['msg'] === 'session logged out')).toMatchObject({
      level: 40,
      endpoint: 'webwxsync',
      ret: 1101,
      reason: 'logged-out-elsewhere',
    });
  });

  test('a re-init that works is reported as recovered, not as a new login', async () => {
    const h = harness();
    await h.recovery.onLogout('synccheck', 1100);
    expect(h.calls).toEqual(['loop.stop', 'reinit', 'loop.start', 'deliver']);
    expect(h.events).toEqual(['logout', 'recovered']);
    expect(h.payloads['recovered']).toEqual([{ via: 'reinit', attempt: 1 }]);
  });

  test('while it runs the chain the client is recovering; waiting actions are released only by success', async () => {
    let release!: () => void;
    const h = harness({ onLogout: ['qr'] });
    const waiting = h.lifecycle.ready();
    let during: boolean | undefined;
    const slow = new Promise<void>((r) => (release = r));
    (h.recovery as unknown as { d: RecoveryDeps }).d.login.relogin = () => {
      during = h.lifecycle.recovering;
      return slow;
    };
    const done = h.recovery.onLogout('synccheck', 1101);
    // A second report while the chain runs is ignored.
    await h.recovery.onLogout('webwxsync', 1101);
    expect(h.events).toEqual(['logout']);
    release();
    await done;
    await expect(waiting).resolves.toBeUndefined();
    expect(during).toBe(true);
    expect(h.lifecycle.recovering).toBe(false);
  });

  test('every step failing ends logged-out and fails the waiting actions with LoggedOut', async () => {
    const h = harness({
      steps: {
        reinit: [new NetworkError('webwxinit', 'reset')],
        push: [new ServerError('webwxpushloginurl', 1)],
        qr: [new Error('no scan')],
      },
    });
    h.lifecycle.set('recovering');
    const waiting = h.lifecycle.ready();
    h.states.length = 0;
    await h.recovery.onLogout('synccheck', 1102);
    expect(h.calls).toEqual(['loop.stop', 'reinit', 'push', 'qr']);
    expect(h.states).toEqual(['logged-out']);
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoggedOut);
    expect((err as LoggedOut).message).toContain('the session is logged out and recovery failed (ret 1102)');
    expect((err as LoggedOut).endpoint).toBe('synccheck');
    expect(h.lifecycle.recovering).toBe(false);
    // After the chain gave up, a new report runs it again.
    await h.recovery.onLogout('synccheck', 1101);
    expect(h.calls.slice(4)).toEqual(['loop.stop', 'reinit', 'loop.start', 'deliver']);
  });

  test('LoginForbidden ends the chain: no later step is tried', async () => {
    const h = harness({ onLogout: ['push', 'qr'], steps: { push: [new LoginForbidden('forbidden', 'use the app')] } });
    await h.recovery.onLogout('synccheck', 1101);
    expect(h.calls).toEqual(['loop.stop', 'push']);
    expect(h.states.at(-1)).toBe('logged-out');
  });

  test('does nothing while the client is stopping', async () => {
    const h = harness();
    h.lifecycle.set('stopping');
    h.states.length = 0;
    await h.recovery.onLogout('synccheck', 1101);
    expect(h.calls).toEqual([]);
    expect(h.events).toEqual([]);
  });

  test('a stop during the chain ends it quietly: no further step, no error, not logged-out', async () => {
    const h = harness();
    (h.recovery as unknown as { d: RecoveryDeps }).d.login.reinit = () => {
      h.calls.push('reinit');
      h.abort();
      return Promise.reject(new Error('aborted'));
    };
    await h.recovery.onLogout('synccheck', 1101);
    expect(h.calls).toEqual(['loop.stop', 'reinit']);
    expect(h.events).toEqual(['logout']);
    expect(h.states).toEqual(['recovering']);
    expect(h.lifecycle.recovering).toBe(false);
  });

  test('a stop between steps tries no more', async () => {
    const h = harness({ steps: { reinit: [new Error('bad')] } });
    (h.recovery as unknown as { d: RecoveryDeps }).d.login.relogin = () => {
      h.calls.push('relogin');
      return Promise.resolve();
    };
    h.events.length = 0;
    const emitter = (h.recovery as unknown as { d: RecoveryDeps }).d.events;
    emitter.on('error', () => h.abort());
    await h.recovery.onLogout('synccheck', 1101);
    expect(h.calls).toEqual(['loop.stop', 'reinit']);
    expect(h.states).toEqual(['recovering']);
  });
});

describe('Recovery.breaker (stuck selector)', () => {
  test('reports the trip, backs off (backoff attempt 2), then re-inits and reports recovered', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    jest.spyOn(Math, 'random').mockReturnValue(1);
    // base 10: attempt 2 allows up to 10 * 2^2 = 40 ms (the cap, 1000, does not bind).
    const h = harness({ base: 10 });
    const answer = h.recovery.breaker(() => true);
    expect(h.events).toEqual([
      'error: sync breaker tripped: webwxsync: server answered Ret 0: stuck selector (empty syncs)',
    ]);
    const tripped = (h.payloads['error']?.[0] as { error: Error }).error;
    expect(tripped).toBeInstanceOf(ServerError);
    expect(tripped).toMatchObject({ endpoint: 'webwxsync' });
    expect(h.lines.find((l) => l['delay'] !== undefined)).toMatchObject({ level: 40, delay: 40 });
    await jest.advanceTimersByTimeAsync(39);
    expect(h.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toBe('continue');
    // The breaker re-inits only: it never stops the loop or hands anything over itself.
    expect(h.calls).toEqual(['reinit']);
    expect(h.payloads['recovered']).toEqual([{ via: 'reinit', attempt: 1 }]);
    expect(h.states).toEqual([]);
  });

  test('a loop that is no longer current after the back-off is left alone', async () => {
    const h = harness();
    await expect(h.recovery.breaker(() => false)).resolves.toBe('continue');
    expect(h.calls).toEqual([]);
    expect(h.payloads['recovered']).toBeUndefined();
  });

  test('a re-init that fails is reported and polling continues', async () => {
    const h = harness({ steps: { reinit: [new NetworkError('webwxinit', 'reset')] } });
    await expect(h.recovery.breaker(() => true)).resolves.toBe('continue');
    expect(h.events.slice(1)).toEqual(['error: sync breaker: re-init failed: webwxinit: reset']);
    expect(h.states).toEqual([]);
  });

  test('a re-init answered with a logout hands over to the recovery chain and stops the loop', async () => {
    const h = harness({ steps: { reinit: [new LoggedOut('webwxinit', 1101)] } });
    await expect(h.recovery.breaker(() => true)).resolves.toBe('stop');
    await new Promise((r) => setImmediate(r));
    expect(h.payloads['logout']).toEqual([{ reason: 'logged-out-elsewhere', retcode: 1101, endpoint: 'webwxinit' }]);
    // The chain's own re-init then works.
    expect(h.calls).toEqual(['reinit', 'loop.stop', 'reinit', 'loop.start', 'deliver']);
    expect(h.states).toEqual(['recovering', 'syncing']);
  });
});
