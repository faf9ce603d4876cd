import { pino } from 'pino';

import { Bot } from '../../src/bot/bot.js';
import { NotFriend, SendExpired, isServerVerdict } from '../../src/client/errors.js';
import { NetworkError } from '../../src/client/errors.js';
import { surelyNotSent } from '../../src/client/send-policy.js';
import type { WebWxClient } from '../../src/client/client.js';
import type { ClientOptions } from '../../src/client/types.js';
import { definePlugin } from '../../src/plugin/define.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { webTransport } from '../../src/transport/web.js';
import { captureLogger, newClient, simSuite, waitFor } from './helpers.js';

const silent = pino({ level: 'silent' });

/** Replies `re:<text>` to every text, awaiting the reply like a plugin would. */
const echo = definePlugin({
  name: 'echo',
  setup(ctx) {
    ctx.on('message:text', async (m) => {
      await m.reply(`re:${m.text}`);
    });
  },
});

function startBot(client: WebWxClient, isolation: { handlerTimeoutMs: number; maxFailures: number }): Bot {
  return new Bot({
    transport: webTransport(client),
    plugins: [{ plugin: echo, options: undefined }],
    logger: silent,
    storage: createMemoryStorage(),
    isolation: { ...isolation, failureWindowMs: 60_000 },
  });
}

const refusalOptions: Partial<ClientOptions> = {
  recovery: { backoff: { baseMs: 20, maxMs: 100 }, keepAliveMs: 0, watchdogMs: 0 },
};

describe('server refusals are never plugin faults', () => {
  const env = simSuite();
  const clients: WebWxClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => undefined)));
  });

  it('a 1205 window longer than the handler budget: the plugin stays enabled and every reply arrives once after it', async () => {
    const { sim, client } = await env.startWithClient({}, refusalOptions);
    // Budget far below the window, one failure disables: the old 3-retry queue rejected and the plugin died.
    const bot = startBot(client, { handlerTimeoutMs: 150, maxFailures: 1 });
    await bot.start();
    try {
      const window = { kind: 'ret', ret: 1205, endpoint: 'webwxsendmsg', times: 25 } as const;
      sim.addFault(window);
      const texts: string[] = [];
      for (const [i, from] of [
        'wxid_alice',
        'wxid_bob',
        'wxid_carol',
        'wxid_alice',
        'wxid_bob',
        'dave1988',
      ].entries()) {
        const text = `w${i}`;
        texts.push(`re:${text}`);
        sim.say({ from, text });
      }
      const ok = (t: string) =>
        sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0 && a.content === t).length;
      await waitFor(() => texts.every((t) => ok(t) >= 1), 'every reply after the window', 15_000);
      // The window was really there and really ended before the replies went through.
      expect(sim.faults()[0]!.fired).toBe(25);
      expect(texts.map(ok)).toEqual(texts.map(() => 1));
      expect(bot.plugins()).toEqual([{ name: 'echo', state: 'active' }]);
      // Still serving: a message after the window is answered too.
      sim.say({ from: 'wxid_alice', text: 'after' });
      await waitFor(() => ok('re:after') === 1, 'reply after the window', 10_000);
    } finally {
      await bot.stop();
    }
  }, 30_000);

  it('past sends.maxAgeMs a refused send rejects with SendExpired and the drop is logged with its ClientMsgId', async () => {
    const sim = await env.start();
    const { logger, lines } = captureLogger('info');
    const client = newClient(sim, env.dir, { ...refusalOptions, logger, sends: { maxAgeMs: 400 } });
    clients.push(client);
    client.setMessageHandler(async () => {});
    await client.start();
    try {
      sim.addFault({ kind: 'ret', ret: 1205, endpoint: 'webwxsendmsg' });
      const started = Date.now();
      const err = await client.sendText(sim.userNameOf('wxid_bob'), 'too late').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SendExpired);
      const expired = err as SendExpired;
      expect(expired.code).toBe('SEND_EXPIRED');
      expect(expired.maxAgeMs).toBe(400);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(isServerVerdict(expired)).toBe(true);
      const drop = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['ageMs'] !== undefined);
      expect(drop).toMatchObject({ clientMsgId: expired.clientMsgId, endpoint: 'webwxsendmsg', maxAgeMs: 400 });
      expect(typeof expired.clientMsgId).toBe('string');
      // It left the journal: no restart sends it.
      expect(client['outbox'].pendingSends).toBe(0);
      // The bucket still slowed down on 1205.
      expect(client['outbox'].rateFactor('text')).toBeLessThan(1);
    } finally {
      await client.stop();
    }
  });

  it('1204 rejects with NotFriend at once, the plugin stays enabled and other chats are answered', async () => {
    const { sim, client } = await env.startWithClient({}, refusalOptions);
    const bot = startBot(client, { handlerTimeoutMs: 2000, maxFailures: 1 });
    await bot.start();
    try {
      const erin = sim.userNameOf('wxid_erin'); // known from a room only: not a friend
      const err = await client.sendText(erin, 'hi').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFriend);
      expect(sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 1204)).toHaveLength(1);
      // Two strangers write; the replies are refused (each once, never retried); the plugin is not disabled.
      sim.say({ from: 'wxid_erin', text: 'one' });
      sim.say({ from: 'wxid_erin', text: 'two' });
      sim.say({ from: 'wxid_alice', text: 'three' });
      await waitFor(
        () => sim.actions().some((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0 && a.content === 're:three'),
        'the friend is answered',
      );
      await waitFor(
        () => sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 1204).length === 3,
        'both refusals',
      );
      expect(bot.plugins()).toEqual([{ name: 'echo', state: 'active' }]);
      sim.say({ from: 'wxid_bob', text: 'four' });
      await waitFor(
        () => sim.actions().some((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0 && a.content === 're:four'),
        'still answering',
      );
    } finally {
      await bot.stop();
    }
  });
});

describe('surelyNotSent', () => {
  it('only a connection that was never made is known not to have reached the server', () => {
    const refused = new NetworkError('webwxsendmsg', 'connect', undefined, {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const reset = new NetworkError('webwxsendmsg', 'socket hang up', undefined, {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });
    expect(surelyNotSent(refused)).toBe(true);
    expect(surelyNotSent(reset)).toBe(false);
    expect(surelyNotSent(new NetworkError('webwxsendmsg', 'HTTP 502', 502))).toBe(false);
  });
});
