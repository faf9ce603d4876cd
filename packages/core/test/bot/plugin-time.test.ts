import { definePlugin } from '../../src/plugin/define.js';
import { createTestBot, type TestBot } from '../../src/testing/test-bot.js';
import type { PluginTime } from '../../src/bot/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const quiet = definePlugin({
  name: 'quiet',
  setup(ctx) {
    ctx.on('message:text', () => undefined);
  },
});

test('onPluginTime hears each plugin while subscribed, and nothing once unsubscribed (twice is harmless)', async () => {
  bot = await createTestBot({ plugins: [quiet] });
  const times: PluginTime[] = [];
  const off = bot.bot.onPluginTime((t) => times.push(t));
  await bot.receive('one', { from: 'Alice' });
  expect(times.filter((t) => t.plugin === 'quiet').length).toBeGreaterThanOrEqual(1);
  expect(times.every((t) => t.ms >= 0)).toBe(true);
  off();
  off();
  const heard = times.length;
  await bot.receive('two', { from: 'Alice' });
  expect(times).toHaveLength(heard);
  // A second listener still turns timing back on: the count did not go below zero.
  const again: PluginTime[] = [];
  const off2 = bot.bot.onPluginTime((t) => again.push(t));
  await bot.receive('three', { from: 'Alice' });
  expect(again.some((t) => t.plugin === 'quiet')).toBe(true);
  off2();
});
