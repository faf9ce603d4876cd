import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';
import { limitsOf, textMention, type InboundMessage, type LoginVia } from '@wxbot/core';

import { ILINK_LIMITS, NoReplyContext, RateLimited, SessionTimeout } from '../src/index.js';
import { fixture, until, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ALICE = 'alice@im.wechat';

describe('IlinkTransport', () => {
  it('logs in by QR, receives a text and answers with that conversation context_token', async () => {
    fx = await fixture();
    const t = fx.transport();
    const got: InboundMessage[] = [];
    t.setHandler(async (m) => {
      got.push(m);
      await t.sendText(m.message.chat.userName, `echo: ${m.message.text}`);
    });
    const self = await t.start();
    expect(self.userName).toBe(fx.sim.botId);
    const { contextToken, messageId } = fx.sim.say(ALICE, 'hello');
    const sent = await fx.sim.waitForSent((s) => s.text === 'echo: hello');
    expect(sent.contextToken).toBe(contextToken);
    expect(sent.toUserId).toBe(ALICE);
    expect(got[0]?.message.kind).toBe('text');
    // message_id is a uint64 above 2^53: kept digit for digit.
    expect(got[0]?.message.id).toBe(messageId);
    expect(got[0]?.message.chat.stableId).toBe(ALICE);
    expect(got[0]?.message.chat.isRoom).toBe(false);
  });

  it('answers with the newest context_token after the user writes again', async () => {
    fx = await fixture();
    const t = fx.transport();
    const seen: string[] = [];
    t.setHandler((m) => {
      seen.push(m.message.text);
      return Promise.resolve();
    });
    await t.start();
    fx.sim.say(ALICE, 'one');
    const second = fx.sim.say(ALICE, 'two');
    await until(() => seen.length === 2, 5_000, 'two messages');
    await t.sendText(ALICE, 'reply');
    expect(fx.sim.sent().at(-1)?.contextToken).toBe(second.contextToken);
  });

  it('persists the bot token 0600 and resumes it without a new QR code', async () => {
    fx = await fixture();
    const t1 = fx.transport();
    let qrs = 0;
    t1.on('qr', () => (qrs += 1));
    await t1.start();
    await t1.stop();
    const file = join(fx.dir, 'default_ilink-session.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(await readFile(file, 'utf8')) as { botToken?: string; botId?: string };
    expect(doc.botToken).toBe(fx.sim.world.issuedTokens[0]);
    expect(doc.botId).toBe(fx.sim.botId);

    const t2 = fx.transport();
    const vias: LoginVia[] = [];
    t2.on('qr', () => (qrs += 1));
    t2.on('login', (e) => vias.push(e.via));
    await t2.start();
    expect(vias).toEqual(['hot']);
    expect(qrs).toBe(1);
    expect(fx.sim.world.issuedTokens).toHaveLength(1);
    expect(fx.sim.world.notifyStarts).toBe(2);
    expect(fx.sim.world.notifyStops).toBe(1);
  });

  it('falls back to QR when the saved token was revoked (-14 on notifystart)', async () => {
    fx = await fixture();
    const t1 = fx.transport();
    await t1.start();
    await t1.stop();
    fx.sim.expireSession();
    const t2 = fx.transport();
    const vias: LoginVia[] = [];
    t2.on('login', (e) => vias.push(e.via));
    await t2.start();
    expect(vias).toEqual(['qr']);
    expect(fx.sim.world.issuedTokens).toHaveLength(2);
  });

  it('reports a session timeout (errcode -14) as SessionTimeout, on sends and in the loop', async () => {
    fx = await fixture();
    const t = fx.transport({ reloginOnTimeout: false });
    const received: string[] = [];
    t.setHandler((m) => {
      received.push(m.message.id);
      return Promise.resolve();
    });
    const logouts: string[] = [];
    const errors: Error[] = [];
    t.on('logout', (e) => logouts.push(e.reason));
    t.on('error', (e) => errors.push(e.error));
    await t.start();
    fx.sim.say(ALICE, 'hi');
    await until(() => received.length === 1);
    fx.sim.expireSession();
    await expect(t.sendText(ALICE, 'x')).rejects.toBeInstanceOf(SessionTimeout);
    await until(() => t.state === 'logged-out', 5_000, 'logged-out');
    expect(logouts).toEqual(['cookie-invalid']);
    expect(errors.some((e) => e instanceof SessionTimeout)).toBe(true);
  });

  it('logs in again by QR after -14 when asked to, and keeps receiving', async () => {
    fx = await fixture();
    const t = fx.transport();
    const texts: string[] = [];
    t.setHandler((m) => {
      texts.push(m.message.text);
      return Promise.resolve();
    });
    await t.start();
    fx.sim.fault({ op: 'getupdates', kind: 'session-timeout' });
    await until(() => fx!.sim.world.issuedTokens.length === 2, 5_000, 'second login');
    fx.sim.say(ALICE, 'after');
    await until(() => texts.includes('after'), 5_000, 'message after relogin');
    expect(t.state).toBe('syncing');
  });

  it('reports ret -2 as RateLimited once the retries are spent, and backs off through a short one', async () => {
    fx = await fixture({ quota: false });
    const t = fx.transport();
    const retries: Error[] = [];
    t.on('error', (e) => retries.push(e.error));
    await t.start();
    fx.sim.say(ALICE, 'hi');
    await until(() => t.contacts.contact(ALICE) !== undefined);
    fx.sim.fault({ op: 'sendmessage', kind: 'rate-limit', times: 1 });
    await t.sendText(ALICE, 'after one refusal');
    expect(fx.sim.sent().map((s) => s.text)).toEqual(['after one refusal']);
    expect(retries[0]).toBeInstanceOf(RateLimited);
    fx.sim.fault({ op: 'sendmessage', kind: 'rate-limit', times: 10 });
    await expect(t.sendText(ALICE, 'never')).rejects.toBeInstanceOf(RateLimited);
    expect(fx.sim.sent()).toHaveLength(1);
  });

  it("meets the simulator's quota as RateLimited", async () => {
    fx = await fixture({ quota: { sends: 2, windowMs: 60_000, blockMs: 60_000 } });
    const t = fx.transport();
    await t.start();
    fx.sim.say(ALICE, 'hi');
    await until(() => t.contacts.contact(ALICE) !== undefined);
    await t.sendText(ALICE, '1');
    await t.sendText(ALICE, '2');
    await expect(t.sendText(ALICE, '3')).rejects.toBeInstanceOf(RateLimited);
  });

  it('refuses to write first, and after the reply window, with NoReplyContext', async () => {
    // One manual clock for the server and the transport: the window closes without waiting.
    let now = 1_000_000;
    const clock = (): number => now;
    fx = await fixture({ now: clock });
    const t = fx.transport({ replyWindowMs: 30_000, now: clock });
    await t.start();
    await expect(t.sendText('bob@im.wechat', 'hi')).rejects.toThrow(NoReplyContext);
    fx.sim.say(ALICE, 'hi');
    await until(() => t.contacts.contact(ALICE) !== undefined);
    now += 30_000;
    await t.sendText(ALICE, 'just in time');
    now += 1;
    await expect(t.sendText(ALICE, 'late')).rejects.toThrow(/reply window/);
    expect(t.capabilities.replyWindowMs).toBe(30_000);
    expect(fx.sim.sent().map((s) => s.text)).toEqual(['just in time']);
  });

  it('shows typing through getconfig + sendtyping', async () => {
    fx = await fixture();
    const t = fx.transport();
    await t.start();
    fx.sim.say(ALICE, 'hi');
    await until(() => t.contacts.contact(ALICE) !== undefined);
    await t.setTyping(ALICE, true);
    await t.setTyping(ALICE, false);
    expect(fx.sim.typing()).toEqual([
      { userId: ALICE, status: 1 },
      { userId: ALICE, status: 2 },
    ]);
  });

  it('declares direct chats only: no rooms, friend requests or recall', async () => {
    fx = await fixture();
    const t = fx.transport();
    expect(t.capabilities).toMatchObject({ directChats: true, rooms: false, friendRequests: false, recall: false });
    expect(t.capabilities.replyWindowMs).toBe(24 * 60 * 60_000);
    expect(t.contacts.room('x')).toBeUndefined();
    // Its own honest limits, read by plugins through limitsOf(ctx.capabilities).
    expect(limitsOf(t.capabilities)).toBe(ILINK_LIMITS);
    expect(ILINK_LIMITS).toEqual({
      mentionsNotify: false,
      quote: false,
      openRedPacket: false,
      acceptTransfer: false,
      calls: false,
    });
    expect(textMention('Alice', t.capabilities).notifies).toBe(false);
  });
});
