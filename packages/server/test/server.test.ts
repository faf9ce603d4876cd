import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHAT_SWITCHES_NAMESPACE, createMemoryStorage, definePlugin, type StorageDriver } from '@wxbot/core';
import { createTestBot, type TestBot } from '@wxbot/core/testing';

import { readEvents, sessionSecrets, startApi, TOKEN, type Api } from './helpers.js';

const echo = definePlugin({
  name: 'echo',
  setup(ctx) {
    ctx.on('message:text', async (m) => {
      await m.reply(`echo: ${m.text}`);
    });
  },
});

let bot: TestBot | undefined;
let api: Api | undefined;

afterEach(async () => {
  await api?.server.close();
  await bot?.close();
  api = undefined;
  bot = undefined;
});

async function setup(
  options: { storage?: StorageDriver; ownerCommands?: Record<string, never> } = {},
): Promise<{ bot: TestBot; api: Api }> {
  bot = await createTestBot({ plugins: [echo], ...options });
  await paired(bot);
  api = await startApi(bot);
  return { bot, api };
}

/**
 * Waits for the simulator's MsgType 51 pairs (wxid <-> session UserName), which arrive after the
 * login and turn `alias:alice_w` into `wxid_alice`: ids in the assertions are then settled.
 */
async function paired(bot: TestBot): Promise<void> {
  const client = bot.bot.transport.client;
  if (client.contacts.byStableId('wxid_alice') !== undefined) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('contacts-updated', check);
      reject(new Error('contacts were never paired with their wxids'));
    }, 5000);
    function check(): void {
      if (client.contacts.byStableId('wxid_alice') === undefined) return;
      clearTimeout(timer);
      client.off('contacts-updated', check);
      resolve();
    }
    client.on('contacts-updated', check);
  });
}

/** The id the API gives a friend (Web WeChat shows no wxid: the client's stable id is e.g. `alias:alice_w`). */
async function idOf(api: Api, name: string): Promise<string> {
  const found = (await api.call('GET', `/api/accounts/test/contacts?q=${encodeURIComponent(name)}`)).json<{
    items: { id: string; name: string }[];
  }>();
  const item = found.items.find((c) => c.name === name);
  if (item === undefined) throw new Error(`no contact ${name}`);
  return item.id;
}

test('every path but /healthz needs the token', async () => {
  const { api } = await setup();
  expect((await api.call('GET', '/healthz', { auth: false })).status).toBe(200);
  for (const path of ['/api/accounts', '/api/openapi.json', '/metrics', '/api/events', '/api/accounts/test/qr']) {
    const none = await api.call('GET', path, { auth: false });
    expect(none.status).toBe(401);
    expect(none.json<{ error: { message: string } }>().error.message).toMatch(/Authorization: Bearer/);
    expect((await api.call('GET', path, { auth: 'wrong-token-0123456789' })).status).toBe(401);
  }
  // A token in the query only where a browser cannot send headers, and never for writes.
  expect((await api.call('GET', `/api/accounts?access_token=${TOKEN}`, { auth: false })).status).toBe(401);
  expect((await api.call('GET', '/api/accounts', {})).status).toBe(200);
});

test('refuses a foreign Host (DNS rebinding) and a foreign Origin, even with the token', async () => {
  const { api } = await setup();
  const rebound = await api.call('GET', '/api/accounts', { headers: { host: `evil.example:${api.port}` } });
  expect(rebound.status).toBe(421);
  expect(rebound.json<{ error: { code: string } }>().error.code).toBe('bad_host');
  const foreign = await api.call('POST', '/api/accounts/test/chats/Alice/messages', {
    headers: { origin: 'http://evil.example' },
    body: { text: 'pwned' },
  });
  expect(foreign.status).toBe(403);
  expect(bot!.sim.actions().some((a) => a.content === 'pwned')).toBe(false);
  const own = await api.call('GET', '/api/accounts', { headers: { origin: `http://127.0.0.1:${api.port}` } });
  expect(own.status).toBe(200);
  const localhost = await api.call('GET', '/api/accounts', { headers: { host: `localhost:${api.port}` } });
  expect(localhost.status).toBe(200);
});

test('lists the account with its state and name, and contacts and rooms by name with stable ids', async () => {
  const { api } = await setup();
  const accounts = (await api.call('GET', '/api/accounts')).json<{ items: Record<string, unknown>[] }>();
  expect(accounts.items).toEqual([
    {
      id: 'test',
      transport: 'web',
      state: 'syncing',
      self: { id: expect.any(String) as string, name: 'Bot' },
      qr: 'logged-in',
      plugins: 1,
      capabilities: expect.arrayContaining(['rooms', 'contacts', 'media.image']) as unknown,
    },
  ]);
  const alice = (await api.call('GET', '/api/accounts/test/contacts?q=ali')).json<{ items: unknown[] }>();
  expect(alice.items).toEqual([
    expect.objectContaining({ id: 'wxid_alice', stable: true, kind: 'friend', name: 'Alice' }),
  ]);
  expect((await api.call('GET', '/api/accounts/test/chats/wxid_alice')).json()).toMatchObject({ name: 'Alice' });
  // An id from before the pairing still finds the contact.
  expect((await api.call('GET', '/api/accounts/test/chats/alias%3Aalice_w')).json()).toMatchObject({
    id: 'wxid_alice',
  });
  const rooms = (await api.call('GET', '/api/accounts/test/rooms?q=%E6%B5%8B%E8%AF%95')).json<{ items: unknown[] }>();
  expect(rooms.items).toEqual([expect.objectContaining({ kind: 'room', name: '测试群', memberCount: 4 })]);
  const missing = await api.call('GET', '/api/accounts/nobody/contacts');
  expect(missing.status).toBe(404);
  expect(missing.json<{ error: { field: string; message: string } }>().error).toMatchObject({
    field: 'params.account',
    message: expect.stringContaining('"test"') as string,
  });
});

test('a message sent through the API arrives at the simulator and is in the action log as "api"', async () => {
  const { api, bot } = await setup();
  const alice = await idOf(api, 'Alice');
  const sent = await api.call('POST', `/api/accounts/test/chats/${encodeURIComponent(alice)}/messages`, {
    body: { text: 'hello from the API' },
  });
  expect(sent.status).toBe(200);
  expect(sent.json()).toMatchObject({ chat: { id: alice, name: 'Alice' } });
  const arrived = await bot.sim.waitForAction((a) => a.content === 'hello from the API', { timeoutMs: 5000 });
  expect(arrived).toMatchObject({ endpoint: 'webwxsendmsg', to: 'wxid_alice' });
  // By name too.
  expect((await api.call('POST', '/api/accounts/test/chats/Bob/messages', { body: { text: 'hi Bob' } })).status).toBe(
    200,
  );
  const log = (await api.call('GET', '/api/accounts/test/actions?plugin=api')).json<{
    items: Record<string, unknown>[];
  }>();
  expect(log.items.map((a) => [a.plugin, (a.chat as { id: string }).id, (a.content as { text: string }).text])).toEqual(
    [
      ['api', alice, 'hello from the API'],
      ['api', await idOf(api, 'Bob'), 'hi Bob'],
    ],
  );
});

test('an uploaded file, and a file named by its path, are sent to the chat', async () => {
  const { api, bot } = await setup();
  const sent = await api.call('POST', '/api/accounts/test/chats/Alice/media?kind=file&name=notes.txt', {
    raw: Buffer.from('some notes'),
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(sent.status).toBe(200);
  await bot.sim.waitForAction((a) => a.endpoint === 'webwxsendappmsg' && a.to === 'wxid_alice', { timeoutMs: 5000 });
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-api-'));
  try {
    const path = join(dir, 'report.txt');
    await writeFile(path, 'a report');
    const byPath = await api.call('POST', '/api/accounts/test/chats/Bob/messages', { body: { path, kind: 'file' } });
    expect(byPath.status).toBe(200);
    await bot.sim.waitForAction((a) => a.endpoint === 'webwxsendappmsg' && a.to === 'wxid_bob', { timeoutMs: 5000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad input gets a 400 naming the field', async () => {
  const { api } = await setup();
  const cases: Array<[unknown, string]> = [
    [{}, 'body.text'],
    [{ text: 1 }, 'body.text'],
    [{ text: 'x', colour: 'red' }, 'body.colour'],
    [{ text: 'x', path: '/tmp/x' }, 'body.path'],
  ];
  const got = [];
  for (const [body] of cases) {
    const res = await api.call('POST', '/api/accounts/test/chats/Alice/messages', { body });
    got.push([res.status, res.json<{ error?: { field: string } }>().error?.field ?? res.text]);
  }
  expect(got).toEqual(cases.map(([, field]) => [400, field]));
  const unknown = await api.call('POST', '/api/accounts/test/chats/nobody-at-all/messages', { body: { text: 'x' } });
  expect([unknown.status, unknown.json<{ error: { field: string } }>().error.field]).toEqual([404, 'params.chat']);
});

test('recent messages of a chat and the event stream carry incoming messages', async () => {
  const { api, bot } = await setup();
  const got = readEvents(
    `${api.url}/api/events?kinds=message`,
    (e) => (e.data.data as { text: string }).text === 'via the stream',
    {
      onOpen: () => {
        bot.sim.say({ from: 'wxid_alice', text: 'via the stream' });
      },
    },
  );
  const event = await got;
  expect(event.event).toBe('message');
  const alice = await idOf(api, 'Alice');
  expect(event.data).toMatchObject({ account: 'test', chat: alice, data: { sender: { id: alice, name: 'Alice' } } });
  await bot.sim.waitForAction((a) => a.content === 'echo: via the stream', { timeoutMs: 5000 });
  const recent = (await api.call('GET', '/api/accounts/test/chats/Alice/messages')).json<{
    items: { text: string }[];
  }>();
  expect(recent.items.map((m) => m.text)).toContain('via the stream');
});

test('a plugin switched off in one chat skips that chat only, and the switch is kept in storage', async () => {
  const storage = createMemoryStorage();
  const { api, bot } = await setup({ storage });
  const off = await api.call('POST', '/api/accounts/test/plugins/switch', {
    body: { plugin: 'echo', chat: 'Alice', enabled: false },
  });
  const alice = await idOf(api, 'Alice');
  expect(off.json()).toEqual({ plugin: 'echo', chat: alice, enabled: false });
  const plugins = (await api.call('GET', '/api/accounts/test/plugins')).json<{ items: unknown[] }>();
  expect(plugins.items).toEqual([{ name: 'echo', state: 'active', offIn: [alice] }]);
  // Kept in plugin storage, so a restart keeps it.
  expect(await storage.namespace(CHAT_SWITCHES_NAMESPACE).get('off')).toEqual([{ plugin: 'echo', chat: alice }]);
  expect(await bot.receive('quiet please', { from: 'Alice' })).toEqual([]);
  expect((await bot.receive('still here', { from: 'Bob' })).map((a) => a.content)).toEqual([
    { type: 'text', text: 'echo: still here' },
  ]);
  const bad = await api.call('POST', '/api/accounts/test/plugins/switch', {
    body: { plugin: 'nope', chat: 'Alice', enabled: true },
  });
  expect([bad.status, bad.json<{ error: { field: string } }>().error.field]).toEqual([404, 'body.plugin']);
  await api.call('POST', '/api/accounts/test/plugins/switch', {
    body: { plugin: 'echo', chat: alice, enabled: true },
  });
  expect((await bot.receive('back', { from: 'Alice' })).length).toBe(1);
});

test('the owner commands cannot be switched off in a chat through the API (409, nothing saved)', async () => {
  const storage = createMemoryStorage();
  const { api } = await setup({ storage, ownerCommands: {} });
  const refused = await api.call('POST', '/api/accounts/test/plugins/switch', {
    body: { plugin: '@wxbot/owner-commands', chat: 'Alice', enabled: false },
  });
  expect([refused.status, refused.json<{ error: { code: string } }>().error.code]).toEqual([409, 'switch_refused']);
  expect(await storage.namespace(CHAT_SWITCHES_NAMESPACE).get('off')).toBeUndefined();
});

test('the QR endpoints say when there is nothing to scan', async () => {
  const { api } = await setup();
  expect((await api.call('GET', '/api/accounts/test/qr/status')).json()).toMatchObject({ status: 'logged-in' });
  const png = await api.call('GET', '/api/accounts/test/qr');
  expect([png.status, png.json<{ error: { code: string } }>().error.code]).toEqual([404, 'no_qr']);
});

test('no answer carries a session secret', async () => {
  const { api, bot } = await setup();
  // The event stream too: everything it carried while a message went through and the bot answered.
  const raw: string[] = [];
  await readEvents(`${api.url}/api/events`, (e) => e.event === 'action', {
    raw,
    onOpen: () => {
      bot.sim.say({ from: 'wxid_alice', text: 'hello' });
    },
  });
  api.bodies.push(...raw);
  await api.call('POST', '/api/accounts/test/chats/Alice/messages', { body: { text: 'x' } });
  for (const path of [
    '/api/accounts',
    '/api/accounts/test',
    '/api/accounts/test/contacts?limit=1000',
    '/api/accounts/test/rooms',
    '/api/accounts/test/chats/Alice',
    '/api/accounts/test/chats/Alice/messages',
    '/api/accounts/test/actions',
    '/api/accounts/test/plugins',
    '/api/accounts/test/qr/status',
    '/metrics',
  ])
    expect((await api.call('GET', path)).status).toBe(200);
  const all = api.bodies.join('\n');
  for (const secret of sessionSecrets(bot)) expect(all).not.toContain(secret);
});

test('the OpenAPI document is served and matches the committed packages/server/openapi.json', async () => {
  const { api } = await setup();
  const served = (await api.call('GET', '/api/openapi.json')).json<{
    openapi: string;
    paths: Record<string, unknown>;
  }>();
  expect(served.openapi).toBe('3.1.0');
  expect(Object.keys(served.paths)).toEqual(
    expect.arrayContaining(['/api/accounts/{account}/chats/{chat}/messages', '/api/events']),
  );
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'openapi.json');
  // UPDATE_OPENAPI=1 rewrites the committed file after a deliberate API change (then run prettier on it).
  if (process.env.UPDATE_OPENAPI === '1') await writeFile(file, `${JSON.stringify(served, null, 2)}\n`);
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(served);
});
