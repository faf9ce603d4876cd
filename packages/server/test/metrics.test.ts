import { definePlugin } from '@wxbot/core';
import { createTestBot, type TestBot } from '@wxbot/core/testing';

import { startApi, type Api } from './helpers.js';

const boom = definePlugin({
  name: 'boom',
  setup(ctx) {
    ctx.hears('boom', () => {
      throw new Error('boom');
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

/** The value of one series in the exposition text (undefined when absent). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('/metrics has the series, and faults show up in them', async () => {
  bot = await createTestBot({ plugins: [boom] });
  api = await startApi(bot);
  const client = bot.bot.transport.client;
  await bot.receive('hello', { from: 'Alice' });
  await bot.receive('boom', { from: 'Alice' });
  // One 1205 on the next text send: counted as a rate-limit hit, then the send goes through.
  bot.sim.addFault({ kind: 'ret', ret: 1205, endpoint: 'webwxsendmsg', times: 1 });
  const sent = await api.call('POST', '/api/accounts/test/chats/Alice/messages', { body: { text: 'after a 1205' } });
  expect(sent.status).toBe(200);
  // The session ends on the server: a logout and a recovery are counted.
  const recovered = new Promise<void>((resolve) => {
    client.once('recovered', () => {
      resolve();
    });
  });
  bot.sim.expireSession(1101);
  await recovered;

  const res = await api.call('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  const text = res.text;
  const a = 'account="test"';
  expect(value(text, `wxbot_requests_total{${a},endpoint="webwxsync",retcode="0"}`)).toBeGreaterThan(0);
  expect(value(text, `wxbot_requests_total{${a},endpoint="webwxsendmsg",retcode="1205"}`)).toBe(1);
  expect(value(text, `wxbot_rate_limited_total{${a},action_class="text"}`)).toBeGreaterThanOrEqual(1);
  expect(value(text, `wxbot_rate_limit_backoff_seconds_count{${a},action_class="text"}`)).toBeGreaterThanOrEqual(1);
  expect(value(text, `wxbot_messages_in_total{${a},kind="text"}`)).toBe(2);
  expect(value(text, `wxbot_messages_out_total{${a},endpoint="webwxsendmsg"}`)).toBe(1);
  expect(value(text, `wxbot_plugin_errors_total{${a},plugin="boom"}`)).toBe(1);
  expect(value(text, `wxbot_handler_duration_seconds_count{${a}}`)).toBeGreaterThanOrEqual(2);
  // 1101 is "logged out elsewhere"; the client came back by phone confirm (the simulator confirms itself).
  expect(value(text, `wxbot_logouts_total{${a},reason="logged-out-elsewhere"}`)).toBe(1);
  expect(value(text, `wxbot_reconnects_total{${a},via="push"}`)).toBe(1);
  expect(value(text, `wxbot_logins_total{${a},via="push"}`)).toBe(1);
  expect(value(text, `wxbot_sync_lag_seconds{${a}}`)).toBeGreaterThanOrEqual(0);
  expect(value(text, `wxbot_outbox_queue_depth{${a}}`)).toBeGreaterThanOrEqual(0);
  expect(value(text, `wxbot_outbox_oldest_age_seconds{${a}}`)).toBeGreaterThanOrEqual(0);
  expect(value(text, `wxbot_journal_entries{${a},journal="inbox"}`)).toBeGreaterThanOrEqual(0);
  expect(value(text, `wxbot_journal_entries{${a},journal="outbox"}`)).toBeGreaterThanOrEqual(0);
  expect(value(text, `wxbot_account_up{${a}}`)).toBeDefined();
  expect(text).toMatch(
    /^wxbot_request_duration_seconds_bucket\{le="0\.05",account="test",endpoint="webwxsync"\} \d+$/m,
  );
});

test('wxbot_plugin_handler_seconds times each plugin on its own, not the plugins after it', async () => {
  // `outer` waits for the rest of the pipeline; `slow` takes 60 ms. Only `slow` may show those 60 ms.
  const outer = definePlugin({
    name: 'outer',
    setup(ctx) {
      ctx.use(async (_m, next) => {
        await next();
      });
    },
  });
  const slow = definePlugin({
    name: 'slow',
    setup(ctx) {
      ctx.use(async () => {
        await new Promise((resolve) => setTimeout(resolve, 60));
      });
    },
  });
  bot = await createTestBot({ plugins: [outer, slow, boom] });
  api = await startApi(bot);
  await bot.receive('hello', { from: 'Alice' });
  const text = (await api.call('GET', '/metrics')).text;
  const a = 'account="test"';
  // Counted per message or event a plugin handled (the login's host events too).
  expect(value(text, `wxbot_plugin_handler_seconds_count{${a},plugin="outer"}`)).toBeGreaterThanOrEqual(1);
  expect(value(text, `wxbot_plugin_handler_seconds_count{${a},plugin="slow"}`)).toBeGreaterThanOrEqual(1);
  expect(value(text, `wxbot_plugin_handler_seconds_sum{${a},plugin="slow"}`)).toBeGreaterThanOrEqual(0.05);
  expect(value(text, `wxbot_plugin_handler_seconds_sum{${a},plugin="outer"}`)).toBeLessThan(0.05);
  // `slow` never calls next(): `boom` did not run, so it has no series.
  expect(value(text, `wxbot_plugin_handler_seconds_count{${a},plugin="boom"}`)).toBeUndefined();
});

test('a bot watched twice is counted once; an unwatched one is no longer counted nor listed', async () => {
  bot = await createTestBot({});
  api = await startApi(bot);
  api.metrics.watch(bot.bot);
  const seen = 'wxbot_messages_in_total{account="test",kind="text"}';
  await bot.receive('one', { from: 'Alice' });
  let text = await api.metrics.text();
  expect([value(text, seen), value(text, 'wxbot_account_up{account="test"}')]).toEqual([1, 1]);
  api.metrics.unwatch(bot.bot);
  await bot.receive('two', { from: 'Alice' });
  text = await api.metrics.text();
  // The counter keeps what it counted (a restarted account's new bot goes on from there); the gauges drop the bot.
  expect([value(text, seen), value(text, 'wxbot_account_up{account="test"}')]).toEqual([1, undefined]);
  expect(() => {
    api!.metrics.unwatch(bot!.bot);
  }).not.toThrow();
});
