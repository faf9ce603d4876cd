// Restarts of failed accounts by the AccountSupervisor, on a fake clock over in-memory transports.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

import { AccountSupervisor, type BotBuild, type SupervisorClock } from '../../src/bot/accounts.js';
import { Bot } from '../../src/bot/bot.js';
import { resolveRestart } from '../../src/bot/restart-policy.js';
import { LoginForbidden, NetworkError, WxError } from '../../src/client/errors.js';
import type { ResolvedAccount } from '../../src/config/accounts.js';
import type { RestartConfig } from '../../src/config/types.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { TransportEvents } from '../../src/transport/types.js';
import { captureLogger } from '../client/helpers.js';
import { memoryTransport, type MemoryTransport } from '../transport/helpers.js';

/** Timers that run only when the test moves time on. */
class FakeClock implements SupervisorClock {
  t = 1_000_000;
  #n = 0;
  readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.set(++this.#n, { at: this.t + ms, fn });
    return this.#n;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Delays of the timers pending now. */
  pending(): number[] {
    return [...this.timers.values()].map((x) => x.at - this.t);
  }
  /** Moves time on by `ms`, running each timer due on the way (and what it starts) in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** What one build of an account's bot does at `start()`: start, or reject with this error. */
type Outcome = 'ok' | Error;

interface Built {
  readonly account: string;
  readonly build: BotBuild;
  readonly transport: MemoryTransport;
  /** Emits a transport event to the supervisor's listeners (what the client would emit). */
  emit<E extends keyof TransportEvents>(event: E, payload: Parameters<TransportEvents[E]>[0]): void;
  /** How many `state` and `error` listeners are on it. */
  listening(): number;
}

/** A bot factory over memory transports; `script[name]` says what each successive build does (last repeats). */
function factory(script: Record<string, Outcome[]>) {
  const built: Built[] = [];
  const createBot = (account: ResolvedAccount, logger: Logger, build: BotBuild): Bot => {
    const transport = memoryTransport();
    const side = new EventEmitter();
    const { on, off } = transport;
    transport.on = function (event, listener) {
      side.on(event, listener as never);
      return on.call(this, event, listener);
    };
    transport.off = function (event, listener) {
      side.off(event, listener as never);
      return off.call(this, event, listener);
    };
    const steps = script[account.name] ?? ['ok'];
    const n = built.filter((b) => b.account === account.name).length;
    const outcome = steps[Math.min(n, steps.length - 1)]!;
    if (outcome !== 'ok') transport.start = () => Promise.reject(outcome);
    built.push({
      account: account.name,
      build,
      transport,
      emit: (event, payload) => {
        // An EventEmitter throws an `error` nobody listens to; the client's emitter does not.
        if (side.listenerCount(event) > 0) side.emit(event, payload);
      },
      listening: () => side.listenerCount('state') + side.listenerCount('error'),
    });
    return new Bot({ transport, plugins: [], logger, storage: createMemoryStorage() });
  };
  const of = (name: string): Built[] => built.filter((b) => b.account === name);
  return { createBot, built, of };
}

const account = (name: string, restart?: RestartConfig | false): ResolvedAccount => ({
  name,
  transport: 'web',
  config: { account: { name } },
  file: undefined,
  dir: '/nonexistent',
  dataDir: `/nonexistent/${name}`,
  plugins: [],
  restart: resolveRestart(undefined, restart),
});

const POLICY: RestartConfig = { initialDelayMs: 1_000, maxDelayMs: 8_000, stableMs: 60_000 };
const crash = (b: Built): void => {
  b.emit('error', { error: new TypeError('x is undefined'), context: 'sync loop crashed' });
};

describe('AccountSupervisor restarts', () => {
  let supervisor: AccountSupervisor | undefined;
  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
  });

  function supervise(accounts: ResolvedAccount[], script: Record<string, Outcome[]> = {}) {
    const clock = new FakeClock();
    const bots = factory(script);
    const { logger, lines } = captureLogger('info');
    supervisor = new AccountSupervisor({ accounts, logger, createBot: bots.createBot, clock, random: () => 0 });
    const state = (name: string) => supervisor!.status().find((s) => s.name === name)!;
    return { clock, bots, lines, state, supervisor };
  }

  it('a crashed sync loop is restarted after a doubling, jittered delay; the backoff resets after a stable run', async () => {
    const { clock, bots, lines, state, supervisor: s } = supervise([account('a', POLICY)]);
    await s.start();
    expect(state('a').state).toBe('running');
    // At `starting`, the restart's bot is already the account's bot (the CLI subscribes to it then).
    const fresh: boolean[] = [];
    s.onChange((c) => {
      if (c.state === 'starting') fresh.push(s.bot('a') !== undefined && s.bot('a')!.transport.state === 'idle');
    });
    crash(bots.of('a')[0]!);
    await settle();
    // random 0: the lower end of the upper half of 1 s.
    expect(state('a')).toMatchObject({ state: 'restarting', restarts: 0, restartAt: clock.t + 500 });
    expect(clock.pending()).toEqual([500]);
    expect(bots.of('a')[0]!.transport.state).toBe('stopped');
    await clock.advance(499);
    expect(bots.of('a')).toHaveLength(1);
    await clock.advance(1);
    expect(bots.of('a')).toHaveLength(2);
    expect(bots.of('a')[1]!.build).toEqual({ restart: 1 });
    expect(state('a')).toEqual({ name: 'a', state: 'running', error: 'x is undefined', restarts: 1 });
    expect(fresh).toEqual([true]);
    // Crashing again at once: the delay doubles (no stable run in between), up to maxDelayMs.
    const delays: number[] = [];
    for (let i = 1; i <= 4; i++) {
      crash(bots.of('a')[i]!);
      await settle();
      delays.push(...clock.pending());
      await clock.advance(clock.pending()[0]!);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 4_000]);
    // A run of stableMs counts as healthy: the next failure starts over at the first delay.
    await clock.advance(60_000);
    crash(bots.of('a')[5]!);
    await settle();
    expect(clock.pending()).toEqual([500]);
    const line = lines.find((l) => l.includes('restarting it in'));
    expect(line).toContain('account a stopped serving (its sync loop crashed): x is undefined');
  });

  it('a session the server ended is restarted; the restart logs in again', async () => {
    const { clock, bots, state, supervisor: s } = supervise([account('a', POLICY)]);
    await s.start();
    // Recovery gave up: the transport ends logged out, after reporting why.
    const first = bots.of('a')[0]!;
    first.emit('error', { error: new NetworkError('synccheck', 'ECONNRESET'), context: 'recovery step hot failed' });
    await first.transport.logout();
    await settle();
    expect(state('a')).toMatchObject({ state: 'restarting' });
    expect(state('a').error).toContain('ECONNRESET');
    await clock.advance(500);
    expect(state('a')).toMatchObject({ state: 'running', restarts: 1 });
    expect(bots.of('a')[1]!.transport.starts).toBe(1);
  });

  it('a start that fails on the network is retried', async () => {
    const offline = new NetworkError('jslogin', 'getaddrinfo ENOTFOUND');
    const { clock, bots, state, supervisor: s } = supervise([account('a', POLICY)], { a: [offline, offline, 'ok'] });
    expect((await s.start())[0]).toMatchObject({ state: 'restarting', error: 'jslogin: getaddrinfo ENOTFOUND' });
    await clock.advance(500);
    expect(state('a')).toMatchObject({ state: 'restarting', restarts: 1 });
    await clock.advance(1_000);
    expect(state('a')).toMatchObject({ state: 'running', restarts: 2 });
    expect(bots.of('a')).toHaveLength(3);
  });

  it('a banned account (1203) is not restarted, at start or while running, and says why', async () => {
    const ban = new LoginForbidden('当前登录环境异常', 'use another account');
    const {
      clock,
      bots,
      lines,
      state,
      supervisor: s,
    } = supervise([account('a', POLICY), account('b', POLICY)], {
      a: [ban],
    });
    await s.start();
    expect(state('a')).toMatchObject({ state: 'failed', cause: 'banned', restarts: 0 });
    expect(state('a').restartAt).toBeUndefined();
    // Banned while running: recovery reported the 1203, then gave up.
    const b = bots.of('b')[0]!;
    b.emit('error', { error: ban, context: 'recovery step qr failed' });
    await b.transport.logout();
    await settle();
    expect(state('b')).toMatchObject({ state: 'failed', cause: 'banned' });
    expect(clock.pending()).toEqual([]);
    await clock.advance(3_600_000);
    expect(bots.built).toHaveLength(2);
    expect(lines.some((l) => l.includes('the server refuses this account (ret 1203); not restarted'))).toBe(true);
  });

  it('a restart whose stored session is gone stops there: it needs a scan, and says how', async () => {
    const noSession = new WxError('HOT_LOGIN_FAILED', 'login', 'no saved session to resume');
    const { clock, bots, lines, state, supervisor: s } = supervise([account('a', POLICY)], { a: ['ok', noSession] });
    await s.start();
    crash(bots.of('a')[0]!);
    await clock.advance(500);
    expect(state('a')).toMatchObject({ state: 'failed', cause: 'needs-scan', restarts: 1 });
    expect(lines.some((l) => l.includes('run: wxbot login --account a'))).toBe(true);
    await clock.advance(3_600_000);
    expect(bots.of('a')).toHaveLength(2);
  });

  it('a bot that cannot be built, or a setup error at start, is not restarted', async () => {
    const capability = Object.assign(new Error('plugin "x" needs rooms'), { name: 'CapabilityMissing' });
    const {
      clock,
      bots,
      state,
      supervisor: s,
    } = supervise([account('a', POLICY), account('b', POLICY)], {
      b: [capability],
    });
    await s.start();
    expect(state('b')).toMatchObject({ state: 'failed', cause: 'needs-fix' });
    expect(state('a').state).toBe('running');
    expect(bots.of('b')).toHaveLength(1);
    const broken = new AccountSupervisor({
      accounts: [account('c', POLICY)],
      logger: captureLogger('info').logger,
      createBot: () => {
        throw new Error('no such transport');
      },
      clock,
    });
    expect(await broken.start()).toEqual([
      { name: 'c', state: 'failed', error: 'no such transport', cause: 'needs-fix', restarts: 0 },
    ]);
    expect(clock.pending()).toEqual([]);
  });

  it('restart: false leaves a failed account down, with that as the cause', async () => {
    const { clock, bots, state, supervisor: s } = supervise([account('a', false)]);
    await s.start();
    crash(bots.of('a')[0]!);
    await settle();
    expect(state('a')).toMatchObject({ state: 'failed', cause: 'restart-off' });
    expect(clock.pending()).toEqual([]);
  });

  it('restarts of one account never touch the others', async () => {
    const { clock, bots, supervisor: s } = supervise([account('a', POLICY), account('b', POLICY)]);
    await s.start();
    const changes: string[] = [];
    s.onChange((c) => changes.push(`${c.name}:${c.state}`));
    for (let i = 0; i < 3; i++) {
      crash(bots.of('a')[i]!);
      await clock.advance(10_000);
    }
    expect(bots.of('a')).toHaveLength(4);
    expect(bots.of('b')).toHaveLength(1);
    expect(bots.of('b')[0]!.transport.starts).toBe(1);
    expect(bots.of('b')[0]!.transport.state).toBe('syncing');
    expect(changes.filter((c) => c.startsWith('b:'))).toEqual([]);
    // The supervisor no longer listens to a replaced bot; what it might still emit changes nothing.
    expect(bots.of('a')[0]!.listening()).toBe(0);
    expect(bots.of('a')[3]!.listening()).toBeGreaterThan(0);
    crash(bots.of('a')[0]!);
    await settle();
    expect(s.status().map((x) => x.state)).toEqual(['running', 'running']);
  });

  it('does not spin: an account failing at every start is restarted at a bounded, slowing rate, then given up', async () => {
    const broken = new NetworkError('jslogin', 'ECONNREFUSED');
    const {
      clock,
      bots,
      state,
      supervisor: s,
    } = supervise(
      [account('a', { initialDelayMs: 1_000, maxDelayMs: 60_000 }), account('b', { ...POLICY, maxAttempts: 3 })],
      { a: [broken], b: ['ok', broken] },
    );
    await s.start();
    crash(bots.of('b')[0]!);
    // Ten minutes of failing: a few fast tries, then at most one per 30-60 s.
    for (let t = 0; t < 600_000; t += 1_000) await clock.advance(1_000);
    // Delays 0.5, 1, 2, 4, 8, 16 s, then 30 s each (random 0): 6 + (600 - 31.5) / 30 = 24 restarts at most.
    expect(bots.of('a').length).toBeGreaterThan(5);
    expect(bots.of('a').length).toBeLessThanOrEqual(1 + 24);
    expect(state('a').state).toBe('restarting');
    // maxAttempts 3: the first build plus three restarts, then it stays down.
    expect(bots.of('b')).toHaveLength(4);
    expect(state('b')).toMatchObject({ state: 'failed', cause: 'gave-up', restarts: 3 });
  });

  it('stop() calls off pending restarts', async () => {
    const { clock, bots, state, supervisor: s } = supervise([account('a', POLICY)]);
    await s.start();
    crash(bots.of('a')[0]!);
    await settle();
    expect(clock.pending()).toHaveLength(1);
    await s.stop();
    expect(clock.pending()).toEqual([]);
    expect(state('a').state).toBe('stopped');
    await clock.advance(60_000);
    expect(bots.of('a')).toHaveLength(1);
  });
});
