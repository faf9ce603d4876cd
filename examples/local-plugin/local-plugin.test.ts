import { fileURLToPath } from 'node:url';

import { createTestBot, type TestBot } from '@wxbot/core/testing';

const config = fileURLToPath(new URL('./bot.config.ts', import.meta.url));

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
});

test('greets with the configured style and counts greetings in its storage', async () => {
  bot = await createTestBot({ config });
  await bot.receive('hello', { from: 'Bob' });
  bot.expectReply('Bob', 'Good day, Bob.');
  await bot.receive('hi bot', { from: 'Alice', room: '测试群' });
  bot.expectReply('测试群', 'Good day, Alice.');
  await bot.receive('/greetings', { from: 'Alice' });
  bot.expectReply('Alice', 'I have greeted 2 time(s).');
}, 30_000); // the first config load compiles TypeScript

test('welcomes newcomers only in the configured rooms', async () => {
  bot = await createTestBot({ config });
  await bot.roomJoin('Family', 'Bob', 'Alice');
  bot.expectReply('Family', 'Welcome, Bob!');
  await bot.roomJoin('测试群', 'Carol', 'Alice');
  expect(bot.replies()).toEqual(['Welcome, Bob!']);
}, 30_000); // the first config load compiles TypeScript

test('autoreply reads replies.json beside the config, whatever the working directory', async () => {
  expect(process.cwd()).not.toBe(fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, ''));
  bot = await createTestBot({ config });
  await bot.receive('what are your opening hours?', { from: 'Bob' });
  bot.expectReply('Bob', 'We are open 9:00-17:00.');
  // Asked again at once: answered again (the demo turns the cooldown off).
  await bot.receive('opening hours, again?', { from: 'Bob' });
  expect(bot.replies().filter((r) => r === 'We are open 9:00-17:00.')).toHaveLength(2);
}, 30_000); // the first config load compiles TypeScript
