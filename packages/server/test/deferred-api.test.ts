import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Bot, createMemoryStorage, MemorySessionStore, webTransport, type WxClient } from '@wxbot/core';
import { createClient } from '@wxbot/core/client';
import { createSimulator, defaultWorld, type Simulator } from '@wxbot/simulator';
import { pino } from 'pino';

import { startDeferredApi, type DeferredApi } from '../src/deferred-api.js';
import { startControlPlane } from '../src/index.js';
import { resolveApi } from '../src/options.js';
import { TOKEN } from './helpers.js';

const logger = pino({ level: 'silent' });
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A bot against a simulator that waits for the phone (no auto-confirm), not started. */
async function qrBot(): Promise<{ sim: Simulator; bot: Bot; client: WxClient; dir: string }> {
  const sim = await createSimulator({ world: defaultWorld(), autoConfirm: false, loginPollHoldMs: 50 });
  cleanup.push(() => sim.close());
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-deferred-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
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
  const bot = new Bot({ transport: webTransport(client), plugins: [], logger, storage: createMemoryStorage() });
  cleanup.push(() => bot.stop());
  return { sim, bot, client, dir };
}

async function deferred(bot: Bot, buildAfterMs = 60_000): Promise<DeferredApi> {
  const api = { port: 0, token: TOKEN };
  const started = await startDeferredApi({ bots: [bot], api, token: TOKEN }, resolveApi(api), logger, buildAfterMs);
  cleanup.push(() => started.close());
  return started;
}

const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

/**
 * The modules an import of `specifier` loads (from this package's folder, so the package resolves its own
 * name to its build), recorded by a module hook in a child process.
 */
function modulesLoadedBy(specifier: string): string[] {
  const serverDir = fileURLToPath(new URL('..', import.meta.url));
  const hooks = [
    "import { appendFileSync } from 'node:fs';",
    'export async function load(url, context, next) {',
    "  if (url.startsWith('file:')) appendFileSync(process.env.WXBOT_TEST_MODULES, url + '\\n');",
    '  return next(url, context);',
    '}',
  ].join('\n');
  const probe = [
    "const { register } = await import('node:module');",
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`,
    `await import(${JSON.stringify(specifier)});`,
  ].join('\n');
  const file = join(tmpdir(), `wxbot-modules-${process.pid}-${Date.now()}.txt`);
  cleanup.push(() => rm(file, { force: true }));
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: serverDir,
    encoding: 'utf8',
    env: { ...process.env, WXBOT_TEST_MODULES: file },
  });
  expect(r.stderr).toBe('');
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

test('importing @wxbot/server does not load fastify (that waits for the first server built)', () => {
  const serverDir = fileURLToPath(new URL('..', import.meta.url));
  const probe = [
    "await import('@wxbot/server');",
    "const { createRequire } = await import('node:module');",
    'const cache = Object.keys(createRequire(import.meta.url).cache);',
    'process.stdout.write(String(cache.some((k) => /[\\\\/]fastify[\\\\/]fastify\\.js$/.test(k))));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: serverDir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('false');
});

/** A bundle file's modules, from its source map (the server runs from its bundle, decision 0034); else the file. */
function sourcesOf(url: string): string[] {
  if (!/\/dist\/bundle\/[^/]+\.js$/.test(url)) return [url];
  const map = JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')) as { sources: string[] };
  return map.sources.map((source) => new URL(source, url).href);
}

test('what `wxbot start` imports (@wxbot/server/control-plane) loads no route, OpenAPI or webhook module', () => {
  const loaded = modulesLoadedBy('@wxbot/server/control-plane');
  expect(loaded.some((u) => u.endsWith('/server/dist/bundle/control-plane.js'))).toBe(true);
  const sources = loaded.flatMap(sourcesOf);
  expect(sources.some((u) => u.endsWith('/server/src/control-plane.ts'))).toBe(true);
  expect(
    sources.filter((u) => /\/server\/src\/(routes\/|webhooks\/|server\.ts|openapi\.ts|schemas\.ts)/.test(u)),
  ).toEqual([]);
});

test('an app module that cannot be loaded fails the API, not the bot: logged with what failed, 503 said', async () => {
  const { bot } = await qrBot();
  const api = { port: 0, token: TOKEN };
  const cause = Object.assign(
    new Error("Cannot find module '/x/dist/server.js' imported from /x/dist/deferred-api.js"),
    {
      code: 'ERR_MODULE_NOT_FOUND',
    },
  );
  const logged: unknown[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const started = await startDeferredApi({ bots: [bot], api, token: TOKEN }, resolveApi(api), log, 60_000, () =>
    Promise.reject(cause),
  );
  cleanup.push(() => started.close());
  const res = await fetch(`${started.url}/api/accounts`, auth);
  expect(res.status).toBe(503);
  expect(await res.text()).toContain('the control API could not start');
  expect(logged).toEqual([
    expect.objectContaining({
      msg: 'the control API could not start',
      err: expect.objectContaining({ message: cause.message }),
    }),
  ]);
  expect(started.built).toBe(false);
});

test('the API listens before its app is built; the QR shown meanwhile is served by the app built on the first request', async () => {
  const { sim, bot, client } = await qrBot();
  const api = await deferred(bot);
  expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const shown = new Promise<void>((resolve) => client.once('qr', () => resolve()));
  const started = bot.start();
  await shown;
  expect(api.built).toBe(false);
  // The first request waits for the app, then gets what the hub kept since the start.
  const status = await fetch(`${api.url}/api/accounts/qr/qr/status`, auth);
  expect(api.built).toBe(true);
  expect(await status.json()).toMatchObject({ status: 'waiting', refresh: 0 });
  const png = await fetch(`${api.url}/api/accounts/qr/qr`, auth);
  expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
  expect((await fetch(`${api.url}/api/accounts`)).status).toBe(401);
  const uuid = sim.pendingLogins()[0]!;
  sim.scan(uuid);
  sim.confirm(uuid);
  await started;
  expect(await (await fetch(`${api.url}/api/accounts/qr/qr/status`, auth)).json()).toMatchObject({
    status: 'logged-in',
  });
});

test('requests that arrive together before the app is built are all answered, as the app answers them', async () => {
  const { bot } = await qrBot();
  const api = await deferred(bot);
  const answers = await Promise.all([
    fetch(`${api.url}/healthz`).then((r) => r.json()),
    fetch(`${api.url}/api/accounts`, auth).then((r) => r.status),
    fetch(`${api.url}/api/nowhere`, auth).then((r) => r.status),
    fetch(`${api.url}/api/accounts/qr/chats/x/messages`, {
      method: 'POST',
      headers: { ...auth.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ nope: 1 }),
    }).then((r) => r.status),
  ]);
  expect(answers).toEqual([{ ok: true }, 200, 404, 400]);
});

test('the app is built once every bot has logged in, without a request', async () => {
  const { sim, bot, client } = await qrBot();
  const api = await deferred(bot);
  const shown = new Promise<void>((resolve) => client.once('qr', () => resolve()));
  const started = bot.start();
  await shown;
  const uuid = sim.pendingLogins()[0]!;
  sim.scan(uuid);
  sim.confirm(uuid);
  await started;
  const end = Date.now() + 10_000;
  while (!api.built && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(api.built).toBe(true);
});

test('closed before the app was built: the port is free again and nothing is left running', async () => {
  const { bot } = await qrBot();
  const api = await deferred(bot);
  const port = Number(new URL(api.url).port);
  await api.close();
  expect(api.built).toBe(false);
  const again: Server = createServer();
  await new Promise<void>((resolve) => again.listen(port, '127.0.0.1', resolve));
  await new Promise((resolve) => again.close(resolve));
});

test('a port the config names and another process holds still fails the start, with the listen error', async () => {
  const { bot, dir } = await qrBot();
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => taken.close(resolve)));
  const port = (taken.address() as AddressInfo).port;
  await expect(
    startControlPlane({ bots: [bot], api: { port, token: TOKEN }, dataDir: dir, logger }),
  ).rejects.toMatchObject({ code: 'EADDRINUSE' });
});
