import { fileURLToPath } from 'node:url';

import { createTestBot, type TestBot } from '@wxbot/core/testing';

const config = fileURLToPath(new URL('./bot.config.ts', import.meta.url));

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
});

test('every plugin of the config serves, in order', async () => {
  bot = await createTestBot({ config });
  expect(bot.bot.plugins().map((p) => `${p.name}:${p.state}`)).toEqual([
    'log-all:active',
    'friend-gate:active',
    'room-admin:active',
    'ping:active',
  ]);

  await bot.receive('/ping', { from: 'Bob' });
  bot.expectReply('Bob', 'pong');

  await bot.friendRequest('Zoe', 'found you on the wxbot docs');
  bot.expectAccepted('Zoe');
  bot.expectReply('Zoe', 'Nice to meet you!');

  const before = bot.actions().length;
  await bot.friendRequest('Mallory', 'let me in');
  bot.expectNoActions(before);

  await bot.receive('/kick @Bob\u2005', { from: 'Alice', room: '测试群' });
  bot.expectRemoved('测试群', 'Bob');
  bot.expectReply('测试群', 'Removed Bob.');

  await bot.receive('/topic Readers', { from: 'Alice', room: 'Family' });
  bot.expectTopic('Family', 'Readers');
}, 30_000); // the first config load compiles TypeScript

test('non-admins cannot kick', async () => {
  bot = await createTestBot({ config });
  await bot.receive('/kick @Alice\u2005', { from: 'Erin', room: '测试群' });
  bot.expectNoActions();
}, 30_000); // the first config load compiles TypeScript
