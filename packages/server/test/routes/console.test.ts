// The console's files are served by the API server itself: without the token (a browser loading the
// page has none yet), with the console's security headers, behind the same Host check as the API.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { consoleDir } from '@wxbot/console';
import { createTestBot, type TestBot } from '@wxbot/core/testing';

import { startApi, type Api } from '../helpers.js';

let bot: TestBot | undefined;
let api: Api | undefined;

afterEach(async () => {
  await api?.server.close();
  await bot?.close();
  api = undefined;
  bot = undefined;
});

test('the page and its assets load without the token, with the CSP; the API still needs it', async () => {
  bot = await createTestBot({ plugins: [] });
  api = await startApi(bot);
  const page = await api.call('GET', '/', { auth: false });
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.text).toContain('<div id="app">');
  expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(page.headers['cache-control']).toBe('no-cache');
  // A reload on a page of the app (no extension) is the app again.
  expect((await api.call('GET', '/chats', { auth: false })).text).toBe(page.text);
  const [script] = (await readdir(join(consoleDir(), 'assets'))).filter((f) => f.endsWith('.js'));
  const asset = await api.call('GET', `/assets/${script!}`, { auth: false });
  expect(asset.status).toBe(200);
  expect(asset.headers['cache-control']).toContain('immutable');

  // Still the API's own: no token, no answer; an unknown API path is a 404, not the page.
  for (const path of ['/api/accounts', '/api/nope', '/metrics'])
    expect((await api.call('GET', path, { auth: false })).status).toBe(401);
  const unknown = await api.call('GET', '/api/nope');
  expect(unknown.status).toBe(404);
  expect(unknown.json<{ error: { code: string } }>().error.code).toBe('not_found');
  // Only reads are static: a write outside /api still needs the token.
  expect((await api.call('POST', '/', { auth: false, body: {} })).status).toBe(401);
  expect((await api.call('GET', '/assets/missing.js', { auth: false })).status).toBe(404);
  expect((await api.call('GET', '/..%2f..%2fpackage.json', { auth: false })).status).toBe(404);
});

test('the page keeps the Host and Origin checks (DNS rebinding)', async () => {
  bot = await createTestBot({ plugins: [] });
  api = await startApi(bot);
  const rebound = await api.call('GET', '/', { auth: false, headers: { host: `evil.example:${api.port}` } });
  expect(rebound.status).toBe(421);
  expect(rebound.text).not.toContain('<div id="app">');
  const foreign = await api.call('GET', '/', { auth: false, headers: { origin: 'http://evil.example' } });
  expect(foreign.status).toBe(403);
});
