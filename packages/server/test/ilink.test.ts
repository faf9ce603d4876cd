// The control plane serving an account on WeChat's official bot API (iLink), against the iLink simulator:
// everything goes through the core Transport seam, and what iLink cannot do answers a typed 501.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';
import { Bot, createMemoryStorage, definePlugin, MemorySessionStore } from '@wxbot/core';
import { IlinkSimulator } from '@wxbot/simulator';
import { IlinkTransport } from '@wxbot/transport-ilink';
import { pino } from 'pino';

import { BotMetrics } from '../src/metrics.js';
import { createApiServer, type ApiServer } from '../src/server.js';
import { Webhooks } from '../src/webhooks/webhooks.js';
import { readEvents, TOKEN } from './helpers.js';

jest.setTimeout(20_000);

let sim: IlinkSimulator | undefined;
let bot: Bot | undefined;
let server: ApiServer | undefined;
let dir: string | undefined;
/** Every body the API answered in a test, for the secret scan. */
let answered: string[] = [];

afterEach(async () => {
  await server?.close();
  await bot?.stop();
  await sim?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  sim = bot = server = dir = undefined;
  answered = [];
});

const echo = definePlugin({
  name: 'echo',
  setup(ctx) {
    ctx.on('message:text', (m) => m.reply(`re:${m.text}`));
  },
});

interface Setup {
  readonly url: string;
  readonly metrics: BotMetrics;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
}

async function setup(autoConfirm: boolean): Promise<Setup> {
  sim = await IlinkSimulator.start({ longPollMs: 1_000, qrPollMs: 1_000, autoConfirm, quota: false });
  dir = await mkdtemp(join(tmpdir(), 'wxbot-server-ilink-'));
  const transport = new IlinkTransport({
    account: 'bot1',
    dataDir: dir,
    apiBaseUrl: sim.baseUrl,
    cdnBaseUrl: sim.cdnBaseUrl,
    sessionStore: new MemorySessionStore(),
    // The sim answers every status poll within qrPollMs; a long client timeout keeps a loaded machine
    // (ts-jest compiling the QR encoder mid-login) from failing the poll.
    login: { holdMs: 10_000, pollGapMs: 5, timeoutMs: 15_000 },
    pollHoldMs: 1_000,
    backoffMs: 10,
    maxBackoffMs: 50,
  });
  const logger = pino({ level: 'silent' });
  bot = new Bot({ transport, plugins: [{ plugin: echo, options: undefined }], logger, storage: createMemoryStorage() });
  const metrics = new BotMetrics();
  metrics.watch(bot);
  server = createApiServer({ bots: [bot], api: { port: 0 }, token: TOKEN, metrics });
  const url = await server.listen();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    answered.push(text);
    return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  return { url, metrics, call };
}

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an iLink account is listed with its transport and capabilities; its QR is served until the phone confirms', async () => {
  const { call, url } = await setup(false);
  const before = await call('GET', '/api/accounts');
  expect(before.json).toMatchObject({ items: [{ id: 'bot1', transport: 'ilink', qr: 'none', plugins: 0 }] });
  const caps = (before.json.items as { capabilities: string[] }[])[0]!.capabilities;
  expect(caps).toContain('directChats');
  expect(caps).not.toContain('rooms');
  expect(caps).not.toContain('contacts');

  const started = bot!.start();
  await until(async () => (await call('GET', '/api/accounts/bot1/qr/status')).json.status === 'waiting', 'the QR');
  const png = await fetch(`${url}/api/accounts/bot1/qr`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(png.status).toBe(200);
  expect(png.headers.get('content-type')).toBe('image/png');
  expect(
    Buffer.from(await png.arrayBuffer())
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
  const tickets = [...sim!.world.qrs.keys()];
  // Before login there is nothing to list or send to.
  expect((await call('GET', '/api/accounts/bot1/contacts')).status).toBe(409);

  // The phone scans once the bot is polling the code (as a person would, after it is shown), then confirms.
  await until(() => Promise.resolve(sim!.phone.polls().length > 0), 'the first status poll');
  sim!.phone.scan();
  await until(async () => (await call('GET', '/api/accounts/bot1/qr/status')).json.status === 'scanned', 'the scan');
  sim!.phone.confirm();
  await started;
  const after = await call('GET', '/api/accounts/bot1');
  expect(after.json).toMatchObject({ id: 'bot1', state: 'syncing', qr: 'logged-in', self: { id: sim!.botId } });
  expect((await call('GET', '/api/accounts/bot1/qr')).status).toBe(404);
  // The QR ticket (whoever has it can bind the bot) is drawn into the PNG only, never answered as text.
  expect(tickets.length).toBeGreaterThan(0);
  for (const ticket of tickets) for (const body of answered) expect(body).not.toContain(ticket);
});

test('messages, contacts seen, sends, the action log, switches, events and metrics work for an iLink account', async () => {
  const { call, url, metrics } = await setup(true);
  await bot!.start();
  const alice = 'alice@im.wechat';

  // The event stream sees the incoming message and the plugin's reply.
  const heard = readEvents(`${url}/api/events?kinds=message`, (e) => (e.data.data as { text: string }).text === 'hi', {
    onOpen: () => {
      sim!.say(alice, 'hi');
    },
  });
  expect((await heard).data).toMatchObject({ account: 'bot1', chat: alice, data: { sender: { id: alice } } });
  await sim!.waitForSent((s) => s.text === 're:hi');

  // No contact list on iLink: the answer lists who wrote, and says so.
  const contacts = await call('GET', '/api/accounts/bot1/contacts');
  expect(contacts.status).toBe(200);
  expect(contacts.json).toMatchObject({ total: 1, complete: false, items: [{ id: alice, stable: true }] });
  expect(contacts.json.note).toContain('no contact list');

  const messages = await call('GET', `/api/accounts/bot1/chats/${encodeURIComponent(alice)}/messages`);
  expect((messages.json.items as { text: string }[]).map((m) => m.text)).toEqual(['hi']);

  const sent = await call('POST', `/api/accounts/bot1/chats/${encodeURIComponent(alice)}/messages`, {
    text: 'from api',
  });
  expect(sent.status).toBe(200);
  await sim!.waitForSent((s) => s.text === 'from api' && s.toUserId === alice);

  const log = await call('GET', '/api/accounts/bot1/actions');
  const items = log.json.items as { plugin: string | null; chat: { id: string }; status: string }[];
  expect(items.map((i) => [i.plugin, i.chat.id])).toEqual([
    ['echo', alice],
    ['api', alice],
  ]);

  // A per-chat switch: the plugin stays quiet in that chat.
  const off = await call('POST', '/api/accounts/bot1/plugins/switch', { plugin: 'echo', chat: alice, enabled: false });
  expect(off.json).toEqual({ plugin: 'echo', chat: alice, enabled: false });
  const plugins = await call('GET', '/api/accounts/bot1/plugins');
  expect(plugins.json.items).toEqual([{ name: 'echo', state: 'active', offIn: [alice] }]);

  const text = await metrics.text();
  expect(text).toMatch(/wxbot_messages_in_total\{account="bot1",kind="text"\} 1/);
  expect(text).toMatch(/wxbot_messages_out_total\{account="bot1",endpoint="text"\} 2/);
  expect(text).toMatch(/wxbot_logins_total\{account="bot1",via="qr"\} 1/);
  expect(text).toMatch(/wxbot_account_up\{account="bot1"\} 1/);
  // No Web client underneath: no per-request series, rather than invented zeros.
  expect(text).not.toMatch(/wxbot_requests_total\{/);

  // iLink's secrets (the bot token, the users' context tokens) are in no answer.
  const secrets = [...sim!.world.tokens, ...[...sim!.world.contexts.values()].flatMap((c) => c.tokens)];
  expect(secrets.length).toBeGreaterThan(1);
  for (const secret of secrets) for (const body of [...answered, text]) expect(body).not.toContain(secret);
});

test('what iLink cannot do answers 501 with the capability named; unknown chats are 404', async () => {
  const { call } = await setup(true);
  await bot!.start();
  const rooms = await call('GET', '/api/accounts/bot1/rooms');
  expect(rooms.status).toBe(501);
  expect(rooms.json.error).toMatchObject({ code: 'capability_missing', capability: 'rooms' });
  expect((rooms.json.error as { message: string }).message).toContain('ilink transport');

  sim!.say('bob@im.wechat', 'hello');
  await sim!.waitForSent((s) => s.toUserId === 'bob@im.wechat');
  const bob = encodeURIComponent('bob@im.wechat');
  const unknownChat = await call('POST', '/api/accounts/bot1/chats/nobody%40im.wechat/messages', { text: 'x' });
  expect(unknownChat.status).toBe(404);
  const video = await call('POST', `/api/accounts/bot1/chats/${bob}/messages`, {
    path: '/nonexistent.mp4',
    kind: 'video',
  });
  // iLink can send video: the failure is the missing file (502), not a capability.
  expect(video.status).toBe(502);
});

test("webhooks get an iLink account's messages, and a reply in the answer is sent to the user", async () => {
  await setup(true);
  const bodies: Record<string, unknown>[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body.type === 'message' ? { reply: 'answered by the hook' } : {}));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hooks = new Webhooks({
    hooks: [
      { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: 'a-secret-of-some-length' },
    ],
    bots: [bot!],
    logger: pino({ level: 'silent' }),
    dataDir: dir!,
    backoff: { baseMs: 20, maxMs: 200 },
  });
  try {
    await hooks.start();
    await bot!.start();
    sim!.say('carol@im.wechat', 'to the hook');
    const sent = await sim!.waitForSent((s) => s.text === 'answered by the hook');
    expect(sent.toUserId).toBe('carol@im.wechat');
    expect(bodies.find((b) => b.type === 'message')).toMatchObject({
      account: 'bot1',
      chat: { id: 'carol@im.wechat' },
      data: { text: 'to the hook' },
    });
    expect(bodies.some((b) => b.type === 'login')).toBe(true);
  } finally {
    await hooks.close();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
