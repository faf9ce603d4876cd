// GET /api/logs: the bot's recent log lines from a LogRing fed by the root logger, masked again here.
import { createLogger, LogRing } from '@wxbot/core';
import { createTestBot, type TestBot } from '@wxbot/core/testing';
import { Writable } from 'node:stream';

import { startApi, type Api } from '../helpers.js';

let bot: TestBot | undefined;
let api: Api | undefined;

afterEach(async () => {
  await api?.server.close();
  await bot?.close();
  api = undefined;
  bot = undefined;
});

test("serves the ring's newest lines, masked, bounded by limit", async () => {
  const ring = new LogRing(3);
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const logger = createLogger({ level: 'info', pretty: false }, sink, (line) => {
    ring.write(line);
  });
  for (let i = 0; i < 5; i++) logger.info(`line ${i}`);
  logger.warn('GET https://wx.qq.com/cgi-bin/x?skey=@crypt_abc123&pass_ticket=SECRETPT');
  // A tail that let a secret through is masked by the server anyway.
  const leaky = { recent: () => [{ at: new Date(0).toISOString(), level: 'info', msg: 'pass_ticket=LEAKED1234' }] };
  bot = await createTestBot({ plugins: [] });
  api = await startApi(bot, {}, { logs: ring });
  const all = (await api.call('GET', '/api/logs')).json<{ items: { level: string; msg: string; at: string }[] }>();
  expect(all.items.map((l) => l.msg.slice(0, 6))).toEqual(['line 3', 'line 4', 'GET ht']);
  expect(all.items[2]!.level).toBe('warn');
  expect(JSON.stringify(all)).not.toContain('SECRETPT');
  expect(JSON.stringify(all)).not.toContain('@crypt_abc123');
  const one = (await api.call('GET', '/api/logs?limit=1')).json<{ items: unknown[] }>();
  expect(one.items).toHaveLength(1);
  expect((await api.call('GET', '/api/logs', { auth: false })).status).toBe(401);
  await api.server.close();
  api = await startApi(bot, {}, { logs: leaky });
  expect((await api.call('GET', '/api/logs')).text).not.toContain('LEAKED1234');
});

test('without a log tail the route says so (501)', async () => {
  bot = await createTestBot({ plugins: [] });
  api = await startApi(bot);
  const res = await api.call('GET', '/api/logs');
  expect(res.status).toBe(501);
  expect(res.json<{ error: { code: string } }>().error.code).toBe('no_log_tail');
});
