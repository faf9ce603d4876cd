import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestBot, type TestBot } from '@wxbot/core/testing';
import { pino } from 'pino';

import { verifyWebhook } from '../../src/webhooks/sign.js';
import { Webhooks, type WebhooksOptions } from '../../src/webhooks/webhooks.js';

const SECRET = 'a-webhook-secret-of-some-length';

interface Received {
  readonly key: string;
  readonly body: Record<string, unknown>;
  readonly signed: boolean;
  /** What the receiver answered (undefined: it never did). */
  status: number | undefined;
}

type Answer = { status: number; body?: unknown } | 'hang';

/** A webhook receiver on 127.0.0.1:0: records every request, answers what `answer` says. */
class Receiver {
  readonly requests: Received[] = [];
  answer: (r: Received, attempt: number) => Answer = () => ({ status: 200 });
  readonly #server: Server;
  readonly #waiters: Array<() => void> = [];
  readonly #hung: Array<() => void> = [];

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const h: IncomingHttpHeaders = req.headers;
        const received: Received = {
          key: String(h['idempotency-key']),
          body: JSON.parse(text) as Record<string, unknown>,
          signed: verifyWebhook({
            secret: SECRET,
            body: text,
            signature: h['x-wxbot-signature'] as string | undefined,
            timestamp: h['x-wxbot-timestamp'] as string | undefined,
          }),
          status: undefined,
        };
        this.requests.push(received);
        const attempt = this.requests.filter((r) => r.key === received.key).length;
        const answer = this.answer(received, attempt);
        if (answer === 'hang') {
          this.#hung.push(() => res.destroy());
        } else {
          received.status = answer.status;
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        }
        for (const w of this.#waiters.splice(0)) w();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once `predicate` holds over the requests so far (checked on every request). */
  async until(predicate: (requests: Received[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.requests)) {
      if (Date.now() > deadline) throw new Error(`receiver: not reached within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  delivered(key: string): number {
    return this.requests.filter((r) => r.key === key && r.status !== undefined && r.status < 300).length;
  }

  async close(): Promise<void> {
    for (const h of this.#hung.splice(0)) h();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

let bot: TestBot | undefined;
let receiver: Receiver | undefined;
const running: Webhooks[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const w of running.splice(0)) await w.close();
  await receiver?.close();
  await bot?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  bot = undefined;
  receiver = undefined;
  dir = undefined;
});

async function setup(): Promise<{ bot: TestBot; receiver: Receiver; url: string; dir: string }> {
  bot = await createTestBot({});
  receiver = new Receiver();
  const url = await receiver.listen();
  dir = await mkdtemp(join(tmpdir(), 'wxbot-webhooks-'));
  return { bot, receiver, url, dir };
}

async function start(options: Partial<WebhooksOptions> & Pick<WebhooksOptions, 'hooks'>): Promise<Webhooks> {
  const w = new Webhooks({
    bots: [bot!.bot],
    logger: pino({ level: 'silent' }),
    dataDir: dir!,
    backoff: { baseMs: 20, maxMs: 200 },
    ...options,
  });
  running.push(w);
  await w.start();
  return w;
}

/** The key of the delivery of a message (the first request whose text is `text`). */
function keyOf(requests: Received[], text: string): string | undefined {
  return requests.find((r) => (r.body.data as { text?: string } | undefined)?.text === text)?.key;
}

test('a message is POSTed signed, retried after a 500, and delivered once', async () => {
  const { bot, receiver, url } = await setup();
  receiver.answer = (_r, attempt) => (attempt === 1 ? { status: 500 } : { status: 204 });
  const hooks = await start({ hooks: [{ url, secret: SECRET }] });
  await bot.receive('hello hook', { from: 'Alice' });
  await receiver.until((rs) => {
    const key = keyOf(rs, 'hello hook');
    return key !== undefined && receiver.delivered(key) === 1;
  });
  const attempts = receiver.requests.filter((r) => r.key === keyOf(receiver.requests, 'hello hook'));
  expect(attempts.map((r) => [r.status, r.signed])).toEqual([
    [500, true],
    [204, true],
  ]);
  expect(attempts[0]!.body).toMatchObject({
    type: 'message',
    account: 'test',
    chat: { name: 'Alice' },
    data: { text: 'hello hook', sender: { name: 'Alice' } },
  });
  // Marked delivered in the journal: nothing is left to send again.
  await hooks.idle();
  expect(hooks.stats().pending).toBe(0);
  // A wrong secret or an old timestamp does not verify.
  const body = JSON.stringify(attempts[1]!.body);
  expect(verifyWebhook({ secret: 'another-secret-entirely', body, signature: 'sha256=00', timestamp: '1' })).toBe(
    false,
  );
});

test('a reply in the answer body is sent to the chat as the bot', async () => {
  const { bot, receiver, url } = await setup();
  receiver.answer = (r) => ({
    status: 200,
    body: { reply: `you said: ${(r.body.data as { text: string }).text}` },
  });
  await start({ hooks: [{ url, secret: SECRET }] });
  await bot.receive('ping', { from: 'Bob' });
  const sent = await bot.sim.waitForAction((a) => a.content === 'you said: ping', { timeoutMs: 5000 });
  expect(sent.to).toBe('wxid_bob');
  // What the hook was sent carries no session secret.
  const s = bot.sim.session!;
  const bodies = JSON.stringify(receiver.requests);
  for (const secret of [s.sid, s.skey, s.passTicket, s.dataTicket, String(s.uin)]) expect(bodies).not.toContain(secret);
  expect(bot.actions().find((a) => a.content?.type === 'text' && a.content.text === 'you said: ping')?.plugin).toBe(
    'webhook',
  );
});

test('a delivery cut off by a crash is made after the restart, and one made before is not made again', async () => {
  const { bot, receiver, url } = await setup();
  receiver.answer = (r) =>
    (r.body.data as { text?: string }).text === 'second' && r.signed ? 'hang' : { status: 200 };
  const first = await start({ hooks: [{ url, secret: SECRET }] });
  await bot.receive('first', { from: 'Alice' });
  await receiver.until((rs) => keyOf(rs, 'first') !== undefined && receiver.delivered(keyOf(rs, 'first')!) === 1);
  await bot.receive('second', { from: 'Alice' });
  await receiver.until((rs) => keyOf(rs, 'second') !== undefined);
  // kill -9 while "second" is in flight: nothing folded, nothing marked.
  await first.crash();
  running.splice(running.indexOf(first), 1);
  receiver.answer = () => ({ status: 200 });
  const second = await start({ hooks: [{ url, secret: SECRET }] });
  const key = keyOf(receiver.requests, 'second')!;
  await receiver.until(() => receiver.delivered(key) === 1);
  await second.idle();
  // Exactly one successful delivery each; "first" was never sent again.
  expect(receiver.delivered(keyOf(receiver.requests, 'first')!)).toBe(1);
  expect(receiver.requests.filter((r) => r.key === keyOf(receiver.requests, 'first')).length).toBe(1);
  expect(receiver.requests.filter((r) => r.key === key).length).toBe(2);
});

test('per-hook filters: kinds and chats', async () => {
  const { bot, receiver, url } = await setup();
  const hooks = await start({ hooks: [{ url, secret: SECRET, kinds: ['message:text'], chats: ['Bob'] }] });
  await bot.receive('not for the hook', { from: 'Alice' });
  // Journaled (or not) before the message counts as handled: nothing is waiting for this hook.
  expect(hooks.stats().pending).toBe(0);
  await bot.receive('for the hook', { from: 'Bob' });
  await receiver.until((rs) => keyOf(rs, 'for the hook') !== undefined);
  expect(receiver.requests.map((r) => (r.body.data as { text: string }).text)).toEqual(['for the hook']);
});

test('1,000 events with the receiver failing 10 % of deliveries: each delivered exactly once', async () => {
  const { receiver, url } = await setup();
  let n = 0;
  // Every tenth request fails (deterministic, spread over first attempts and retries alike).
  receiver.answer = () => (++n % 10 === 0 ? { status: 503 } : { status: 200 });
  const hooks = await start({ hooks: [{ url, secret: SECRET }], concurrency: 8, backoff: { baseMs: 5, maxMs: 50 } });
  const ids = Array.from({ length: 1000 }, (_, i) => `test:load:${i}`);
  for (const id of ids) await hooks.enqueue({ id, type: 'login', account: 'test', data: { i: id } });
  await hooks.idle();
  const keys = new Set(receiver.requests.map((r) => r.key));
  expect(keys.size).toBe(1000);
  for (const key of keys) expect(receiver.delivered(key)).toBe(1);
  expect(receiver.requests.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(100);
  expect(receiver.requests.every((r) => r.signed)).toBe(true);
}, 30_000);

test('a replaced bot: what the old one journaled is delivered once, replies and replays go through the new one', async () => {
  const { bot: old, receiver, url } = await setup();
  // The new bot of the same account, on a simulator like the old one's: it hands over the same message ids.
  const next = await createTestBot({});
  try {
    // The receiver is down while the old bot serves: its message waits in the journal.
    let down = true;
    receiver.answer = (r) =>
      down ? { status: 503 } : { status: 200, body: { reply: `got ${(r.body.data as { text: string }).text}` } };
    const hooks = await start({ hooks: [{ url, secret: SECRET, kinds: ['message'] }] });
    await old.receive('while down', { from: 'Bob' });
    await receiver.until((rs) => keyOf(rs, 'while down') !== undefined);
    await old.bot.stop();
    hooks.replaceBot(next.bot);
    // The new bot hands the same message over again (as after a restart from the inbox journal): journaled once.
    await next.receive('while down', { from: 'Bob' });
    down = false;
    const sent = await next.sim.waitForAction((a) => a.content === 'got while down', { timeoutMs: 5000 });
    expect(sent.to).toBe('wxid_bob');
    await hooks.idle();
    const key = keyOf(receiver.requests, 'while down')!;
    expect(receiver.delivered(key)).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.key))).toEqual(new Set([key]));
    // The reply went out through the new bot only.
    expect(old.actions().some((a) => a.plugin === 'webhook')).toBe(false);
    expect(() => {
      Object.defineProperty(next.bot.transport, 'account', { value: 'other' });
      hooks.replaceBot(next.bot);
    }).toThrow(/webhooks: no account "other" to replace \(accounts: "test"\)/);
  } finally {
    await next.close();
  }
});
