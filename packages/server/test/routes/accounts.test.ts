import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Bot, createMemoryStorage, MemorySessionStore, webTransport, type WxClient } from '@wxbot/core';
import { createClient } from '@wxbot/core/client';
import { createSimulator, defaultWorld, type Simulator } from '@wxbot/simulator';
import { pino } from 'pino';

import { createApiServer, type ApiServer } from '../../src/server.js';
import { TOKEN } from '../helpers.js';

let sim: Simulator | undefined;
let bot: Bot | undefined;
let server: ApiServer | undefined;
let dir: string | undefined;

afterEach(async () => {
  await server?.close();
  await bot?.stop();
  await sim?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  sim = bot = server = dir = undefined;
});

function next(client: WxClient, event: 'qr' | 'scanned'): Promise<void> {
  return new Promise((resolve) => {
    client.once(event, () => {
      resolve();
    });
  });
}

test('during a QR login the PNG is served with the token, and the status follows scan and confirm', async () => {
  sim = await createSimulator({ world: defaultWorld(), autoConfirm: false, loginPollHoldMs: 50, synccheckHoldMs: 200 });
  dir = await mkdtemp(join(tmpdir(), 'wxbot-qr-'));
  const logger = pino({ level: 'silent' });
  const client = createClient({
    dataDir: dir,
    account: 'qr',
    logger,
    loginMode: 'qr',
    sessionStore: new MemorySessionStore(),
    hosts: { login: sim.loginUrl, main: sim.url },
    qr: { terminal: false, pngPath: false },
    sendJitterMs: 0,
  });
  bot = new Bot({ transport: webTransport(client), plugins: [], logger, storage: createMemoryStorage() });
  server = createApiServer({ bots: [bot], api: { port: 0 }, token: TOKEN });
  const url = await server.listen();
  const get = (path: string, auth = true) =>
    fetch(`${url}${path}`, auth ? { headers: { authorization: `Bearer ${TOKEN}` } } : {});

  expect(await (await get('/api/accounts/qr/qr/status')).json()).toMatchObject({ status: 'none' });
  const shown = next(client, 'qr');
  const started = bot.start();
  await shown;
  const status = (await (await get('/api/accounts/qr/qr/status')).json()) as Record<string, unknown>;
  expect(status).toMatchObject({ status: 'waiting', refresh: 0 });
  const png = await get('/api/accounts/qr/qr');
  expect(png.status).toBe(200);
  expect(png.headers.get('content-type')).toBe('image/png');
  expect(
    Buffer.from(await png.arrayBuffer())
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
  // An <img> cannot send headers: the token as a query parameter, only here and on the event stream.
  expect((await get(`/api/accounts/qr/qr?access_token=${TOKEN}`, false)).status).toBe(200);
  expect((await get('/api/accounts/qr/qr', false)).status).toBe(401);
  // The uuid stays on the server: not in the status, not in the account.
  const uuid = sim.pendingLogins()[0]!;
  expect(JSON.stringify(status)).not.toContain(uuid);
  expect(await (await get('/api/accounts')).text()).not.toContain(uuid);

  const scanned = next(client, 'scanned');
  sim.scan(uuid);
  await scanned;
  expect(await (await get('/api/accounts/qr/qr/status')).json()).toMatchObject({ status: 'scanned' });
  sim.confirm(uuid);
  await started;
  expect(await (await get('/api/accounts/qr/qr/status')).json()).toMatchObject({ status: 'logged-in' });
  expect((await get('/api/accounts/qr/qr')).status).toBe(404);
});
