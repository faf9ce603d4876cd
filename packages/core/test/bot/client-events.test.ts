import { EventEmitter } from 'node:events';

import { BAN_RISK_THRESHOLDS, BanRiskMonitor, bridgeClientEvents, type BanRisk } from '../../src/bot/client-events.js';
import { LoginForbidden, RealNameRequired } from '../../src/client/errors.js';
import type { Transport } from '../../src/transport/types.js';
import type { Contact } from '../../src/contact/types.js';
import { definePlugin } from '../../src/plugin/define.js';
import type { HostEvent } from '../../src/plugin/host-events.js';
import type { BotContext } from '../../src/plugin/types.js';
import { createTestBot, type TestBot } from '../../src/testing/index.js';

/** A clock the test moves by hand. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('BanRiskMonitor', () => {
  test('thresholds are the documented ones', () => {
    expect(BAN_RISK_THRESHOLDS).toEqual({
      rateLimits: 5,
      rateLimitWindowMs: 60_000,
      earlyLogoutMs: 600_000,
      kicks: 3,
      kickWindowMs: 3_600_000,
    });
  });

  test('a 1205 storm is 5 refusals within 60 s; spread-out ones are not', () => {
    const clock = fakeClock();
    const m = new BanRiskMonitor({}, clock.now);
    const got: (BanRisk | undefined)[] = [];
    // Four, then one just after the first left the window: never 5 within 60 s.
    for (let i = 0; i < 4; i++) got.push(m.rateLimited('webwxsendmsg'));
    clock.advance(60_000);
    got.push(m.rateLimited('webwxsendmsg'));
    expect(got.every((r) => r === undefined)).toBe(true);
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      got.push(m.rateLimited('webwxsendmsg'));
    }
    expect(got.at(-1)).toBeUndefined();
    clock.advance(1_000);
    const storm = m.rateLimited('webwxupdatechatroom?fun=addmember');
    expect(storm).toMatchObject({ signal: 'rate-limit-storm', count: 5, windowMs: 60_000 });
    expect(storm!.detail).toMatch(/5 actions refused with 1205 .* within 60 s, the last on webwxupdatechatroom/);
    // Counting starts again after a signal.
    expect(m.rateLimited('webwxsendmsg')).toBeUndefined();
  });

  test('a 1102 within 10 minutes of a login is an early logout; later, or another code, is not', () => {
    const clock = fakeClock();
    const m = new BanRiskMonitor({ kicks: 100 }, clock.now);
    m.login();
    clock.advance(599_999);
    expect(m.logout(1102).map((r) => r.signal)).toEqual(['early-logout']);
    m.login();
    clock.advance(600_000);
    expect(m.logout(1102)).toEqual([]);
    m.login();
    expect(m.logout(1101)).toEqual([]);
    expect(m.logout(undefined)).toEqual([]);
  });

  test('3 server logouts within an hour are repeated kicks; a user logout is not one', () => {
    const clock = fakeClock();
    const m = new BanRiskMonitor({}, clock.now);
    expect(m.logout(1100)).toEqual([]);
    clock.advance(30 * 60_000);
    expect(m.logout(undefined)).toEqual([]);
    expect(m.logout(1101)).toEqual([]);
    clock.advance(29 * 60_000);
    expect(m.logout(1101)).toMatchObject([{ signal: 'repeated-kicks', count: 3, windowMs: 3_600_000 }]);
    // The first of the next three is more than an hour before the third: no signal.
    expect(m.logout(1101)).toEqual([]);
    clock.advance(61 * 60_000);
    expect(m.logout(1101)).toEqual([]);
    expect(m.logout(1101)).toEqual([]);
  });
});

describe('bridgeClientEvents', () => {
  function fakeClient(): Pick<Transport, 'on' | 'off'> & { emit: (e: string, p: unknown) => void; count: number } {
    const emitter = new EventEmitter();
    const client = {
      on: (e: string, l: (p: unknown) => void) => {
        emitter.on(e, l);
        return client;
      },
      off: (e: string, l: (p: unknown) => void) => {
        emitter.off(e, l);
        return client;
      },
      emit: (e: string, p: unknown) => emitter.emit(e, p),
      get count() {
        return emitter.eventNames().reduce((n, e) => n + emitter.listenerCount(e), 0);
      },
    };
    return client as unknown as ReturnType<typeof fakeClient>;
  }

  test('turns client events into host events; a 1203 re-login is a ban, real-name is not; unsubscribes', () => {
    const client = fakeClient();
    const got: HostEvent[] = [];
    const clock = fakeClock();
    const off = bridgeClientEvents(client, (e) => got.push(e), new BanRiskMonitor({}, clock.now));
    const self = { userName: '@me' } as Contact;
    client.emit('login', { self, via: 'qr' });
    client.emit('contacts-updated', { updated: ['@a'], removed: ['@b'] });
    client.emit('logout', { reason: 'cookie-invalid', retcode: 1102, endpoint: 'synccheck' });
    client.emit('error', {
      error: new LoginForbidden('当前登录环境异常', 'wait'),
      context: 'recovery step push failed',
    });
    client.emit('error', { error: new RealNameRequired('实名'), context: 'recovery step push failed' });
    client.emit('error', { error: new Error('other'), context: 'x' });
    expect(got.map((e) => e.type)).toEqual(['login', 'contacts-updated', 'logout', 'ban-risk', 'ban']);
    expect(got[2]).toMatchObject({ reason: 'cookie-invalid', retcode: 1102, endpoint: 'synccheck' });
    expect(got[3]).toMatchObject({ signal: 'early-logout' });
    expect(got[4]).toMatchObject({ serverMessage: '当前登录环境异常', endpoint: 'webwxnewloginpage' });
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
    expect(client.count).toBeGreaterThan(0);
    off();
    expect(client.count).toBe(0);
  });
});

describe('plugin lifecycle events against the simulator', () => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  /** Polls `cond` every 10 ms, at most 5 s. */
  async function until(cond: () => boolean, what: string): Promise<void> {
    const end = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  function watcher(seen: BotContext[]) {
    return definePlugin({
      name: 'watcher',
      setup(ctx) {
        ctx.on(['login', 'logout', 'ban', 'ban-risk', 'contacts:updated'], (c) => {
          seen.push(c);
        });
      },
    });
  }

  test('login (also the first), contacts, a dropped session with its reason, early-logout risk, login again', async () => {
    const seen: BotContext[] = [];
    bot = await createTestBot({ plugins: [watcher(seen)] });
    await until(() => seen.some((c) => c.type === 'login'), 'the first login');
    // In the client's order: the contacts are loaded while logging in, then the login completes.
    const first = seen.findIndex((c) => c.type === 'login');
    expect(seen[first]).toMatchObject({ type: 'login', via: 'qr', plugin: 'watcher' });
    const loaded = seen.slice(0, first).flatMap((c) => (c.type === 'contacts:updated' ? c.updated : []));
    expect(first).toBeGreaterThan(0);
    expect(new Set(loaded).size).toBeGreaterThan(5);
    bot.sim.expireSession(1102);
    await until(() => seen.filter((c) => c.type === 'login').length >= 2, 'the login after recovery');
    const types = seen.map((c) => c.type).filter((t) => t !== 'contacts:updated');
    expect(types).toEqual(['login', 'logout', 'ban-risk', 'login']);
    expect(seen.find((c) => c.type === 'logout')).toMatchObject({ reason: 'cookie-invalid', retcode: 1102 });
    expect(seen.find((c) => c.type === 'ban-risk')).toMatchObject({ signal: 'early-logout' });
  });

  test('a storm of 1205 answers is a rate-limit-storm ban risk', async () => {
    const seen: BotContext[] = [];
    const remarker = definePlugin({
      name: 'remarker',
      setup(ctx) {
        ctx.command('remark', async () => {
          // Each is refused with 1205 until its retries run out (3 by default): 6 refusals in all.
          for (const who of ['Alice', 'Bob']) await ctx.contacts.setRemark(who, 'vip').catch(() => undefined);
        });
      },
    });
    bot = await createTestBot({ plugins: [watcher(seen), remarker] });
    bot.sim.addFault({ kind: 'ret', ret: 1205, endpoint: 'webwxoplog' });
    await bot.receive('/remark', { from: 'Alice' });
    await until(() => seen.some((c) => c.type === 'ban-risk'), 'the ban risk');
    const risk = seen.find((c) => c.type === 'ban-risk');
    expect(risk).toMatchObject({ signal: 'rate-limit-storm', count: 5, windowMs: 60_000 });
    expect((risk as Extract<BotContext, { type: 'ban-risk' }>).detail).toMatch(/the last on webwxoplog/);
  });

  test('a 1203 while logging in again is a ban', async () => {
    const seen: BotContext[] = [];
    bot = await createTestBot({ plugins: [watcher(seen)] });
    bot.sim.addFault({ kind: 'ret', ret: 1203, endpoint: 'webwxnewloginpage' });
    bot.sim.expireSession(1101);
    await until(() => seen.some((c) => c.type === 'ban'), 'the ban');
    expect(seen.find((c) => c.type === 'ban')).toMatchObject({ serverMessage: '当前登录环境异常' });
    expect(bot.bot.transport.client.state).toBe('logged-out');
  });
});
