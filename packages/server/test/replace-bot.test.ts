// The control plane follows a restarted account: `replaceBot` moves the API, the event stream, metrics and
// webhooks from the old bot of an account to its new one, and lets go of the old one.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { definePlugin, type ControlPlane } from '@wxbot/core';
import { createTestBot, type TestBot } from '@wxbot/core/testing';
import { pino } from 'pino';

import { startControlPlane } from '../src/index.js';
import { readEvents, TOKEN } from './helpers.js';

const quiet = definePlugin({ name: 'quiet', setup() {} });

/** A webhook receiver on 127.0.0.1:0 that answers 200 and keeps each delivery's idempotency key and text. */
class Receiver {
  readonly got: { key: string; text: string }[] = [];
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { text?: string } };
      this.got.push({ key: String(req.headers['idempotency-key']), text: body.data.text ?? '' });
      res.writeHead(200).end();
    });
  });
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Counts the listeners added to the bot's Web client (and not removed) from now on: what the control plane holds. */
function track(bot: TestBot): () => number {
  const client = bot.bot.transport.client;
  const live = new Set<unknown>();
  const { on, off } = client;
  client.on = function (event, listener) {
    live.add(listener);
    return on.call(this, event, listener);
  };
  client.off = function (event, listener) {
    live.delete(listener);
    return off.call(this, event, listener);
  };
  return () => live.size;
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function setup(): Promise<{
  old: TestBot;
  next: TestBot;
  control: ControlPlane;
  receiver: Receiver;
  held: { old: () => number; next: () => number };
}> {
  // Both serve account `test`; another seed so the two simulators' message ids differ.
  const old = await createTestBot({ plugins: [] });
  cleanup.push(() => old.close());
  const next = await createTestBot({ plugins: [quiet], seed: 2 });
  cleanup.push(() => next.close());
  const held = { old: track(old), next: track(next) };
  const receiver = new Receiver();
  const url = await receiver.listen();
  cleanup.push(() => receiver.close());
  const dataDir = await mkdtemp(join(tmpdir(), 'wxbot-replace-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const control = await startControlPlane({
    bots: [old.bot],
    api: { port: 0, token: TOKEN },
    webhooks: [{ url, secret: 'a-webhook-secret-of-some-length', kinds: ['message'] }],
    dataDir,
    logger: pino({ level: 'silent' }),
  });
  cleanup.push(() => control.close());
  return { old, next, control, receiver, held };
}

async function get<T>(control: ControlPlane, path: string): Promise<T> {
  const res = await fetch(`${control.url!}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await res.json()) as T;
}

/** The value of one series in the exposition text (0 when absent). */
async function series(control: ControlPlane, name: string): Promise<number> {
  const res = await fetch(`${control.url!}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

const IN = 'wxbot_messages_in_total{account="test",kind="text"}';

test("after replaceBot the API, the stream, metrics and webhooks serve the new bot, and none the old one's", async () => {
  const { old, next, control, receiver, held } = await setup();
  expect([held.old() > 0, held.next()]).toEqual([true, 0]);
  await old.receive('before', { from: 'Alice' });
  await until('the webhook of "before"', () => receiver.got.length === 1);
  expect(await series(control, IN)).toBe(1);

  const seen: string[] = [];
  const stream = readEvents(
    `${control.url!}/api/events?kinds=message`,
    (e) => {
      const text = (e.data.data as { text: string }).text;
      seen.push(text);
      return text === 'after';
    },
    {
      onOpen: () => {
        // The stream was opened on the old bot: it goes on with the new one.
        control.replaceBot(next.bot);
        void old.receive('ghost', { from: 'Alice' }).then(() => next.receive('after', { from: 'Alice' }));
      },
    },
  );
  await stream;
  expect(seen).toEqual(['after']);

  // The account is the new bot's (it has one plugin, the old none), under the same id.
  const accounts = await get<{ items: { id: string; state: string; plugins: number }[] }>(control, '/api/accounts');
  expect(accounts.items).toEqual([expect.objectContaining({ id: 'test', state: 'syncing', plugins: 1 })]);
  // Recent messages carry over, and take the new bot's; the old bot's late message is not served.
  const recent = await get<{ items: { text: string }[] }>(control, '/api/accounts/test/chats/Alice/messages');
  expect(recent.items.map((m) => m.text)).toEqual(['before', 'after']);
  // Counted once per message of the serving bot: "ghost" (the old bot's) is not, nor anything twice.
  expect(await series(control, IN)).toBe(2);
  await until('the webhook of "after"', () => receiver.got.some((g) => g.text === 'after'));
  await next.receive('after again', { from: 'Bob' });
  await until('the webhook of "after again"', () => receiver.got.length >= 3);
  expect(receiver.got.map((g) => g.text)).toEqual(['before', 'after', 'after again']);
  expect(new Set(receiver.got.map((g) => g.key)).size).toBe(3);
  // The old bot's client has no control-plane listener left; the new one's as many as the old one had.
  const had = held.next();
  expect([held.old(), had > 0]).toEqual([0, true]);
  // The same bot again changes nothing.
  control.replaceBot(next.bot);
  expect(held.next()).toBe(had);
});

test('replaceBot refuses an account the control plane was not started with, naming it and the known ones', async () => {
  const { control } = await setup();
  const stranger = await createTestBot({ plugins: [] });
  cleanup.push(() => stranger.close());
  Object.defineProperty(stranger.bot.transport, 'account', { value: 'stranger' });
  expect(() => {
    control.replaceBot(stranger.bot);
  }).toThrow(/no account "stranger" \(accounts: "test"\)/);
});

test('after close, replaceBot is ignored', async () => {
  const { next, control, held } = await setup();
  await control.close();
  control.replaceBot(next.bot);
  expect(held.next()).toBe(0);
});
