import { definePlugin } from '../../src/plugin/define.js';
import type { BulkProgress, BulkSendResult } from '../../src/plugin/types.js';
import { createTestBot, type TestBot } from '../../src/testing/index.js';

/** Issue 16 item 5: ctx.bulkSend against the simulator: progress, failures, cancellation, permissions. */

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('bulkSend sends to every target in order, reports progress and what failed', async () => {
  const progress: BulkProgress[] = [];
  let result: BulkSendResult | undefined;
  const broadcaster = definePlugin({
    name: 'broadcaster',
    permissions: { actions: ['send'], chats: 'direct' },
    setup(ctx) {
      ctx.command('broadcast', async () => {
        result = await ctx.bulkSend(['Alice', 'Bob', '测试群', 'Carol'], 'news', {
          onProgress: (p) => progress.push(p),
        });
      });
    },
  });
  bot = await createTestBot({ plugins: [broadcaster] });
  await bot.receive('/broadcast', { from: 'Dave 🌛' });
  await until(() => result !== undefined, 'the bulk send');
  expect(result!.sent.map((s) => s.target)).toEqual(['Alice', 'Bob', 'Carol']);
  // The room is outside the plugin's permissions: refused, nothing sent there, the rest went on.
  expect(result!.failed.map((f) => [f.target, (f.error as Error).name])).toEqual([['测试群', 'PermissionDenied']]);
  expect(result!.notSent).toEqual([]);
  expect(progress.map((p) => [p.sent, p.failed, p.remaining])).toEqual([
    [1, 0, 3],
    [2, 0, 2],
    [2, 1, 1],
    [3, 1, 0],
  ]);
  const to = bot
    .wireActions()
    .filter((a) => a.endpoint === 'webwxsendmsg')
    .map((a) => a.to);
  expect(to).toEqual(['wxid_alice', 'wxid_bob', 'wxid_carol']);
});

test('bulkSend stops when its signal aborts and reports what was not sent', async () => {
  let result: BulkSendResult | undefined;
  const stop = new AbortController();
  const broadcaster = definePlugin({
    name: 'broadcaster',
    setup(ctx) {
      ctx.command('broadcast', async () => {
        result = await ctx.bulkSend(['Alice', 'Bob', 'Carol', 'Dave 🌛'], 'news', {
          signal: stop.signal,
          onProgress: (p) => {
            if (p.sent === 2) stop.abort();
          },
        });
      });
    },
  });
  bot = await createTestBot({ plugins: [broadcaster] });
  await bot.receive('/broadcast', { from: 'Alice' });
  await until(() => result !== undefined, 'the bulk send');
  expect(result).toMatchObject({ cancelled: true, notSent: ['Carol', 'Dave 🌛'], failed: [] });
  expect(result!.sent).toHaveLength(2);
});

test('minIntervalMs spaces the messages on top of the rate limits', async () => {
  let result: BulkSendResult | undefined;
  const broadcaster = definePlugin({
    name: 'broadcaster',
    setup(ctx) {
      ctx.command('broadcast', async () => {
        result = await ctx.bulkSend(['Alice', 'Bob', 'Carol'], { text: 'news' }, { minIntervalMs: 150 });
      });
    },
  });
  bot = await createTestBot({ plugins: [broadcaster], isolation: { handlerTimeoutMs: 5000 } });
  await bot.receive('/broadcast', { from: 'Alice' });
  await until(() => result !== undefined, 'the bulk send');
  const at = result!.sent.map((s) => s.message.sentAt ?? 0);
  expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(150);
  expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(150);
});
