import { fileURLToPath } from 'node:url';

import { createTestBot, type TestBot } from '@wxbot/core/testing';

const config = fileURLToPath(new URL('./bot.config.ts', import.meta.url));

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
});

test('echoes private messages, and only those', async () => {
  bot = await createTestBot({ config });
  await bot.receive('hello there', { from: 'Alice' });
  bot.expectReply('Alice', 'hello there');
  await bot.receive('in a room', { from: 'Alice', room: 'Family' });
  expect(bot.replies()).toEqual(['hello there']);
}, 30_000); // the first config load compiles TypeScript
