// Testing a plugin against the simulator: a real client logs in to a simulated account.
import { createTestBot, type TestBot } from '@wxbot/core/testing';

import greeter from './greeter.plugin.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close(); // stops the bot and the simulator even when an assertion failed
});

test('greets and counts', async () => {
  bot = await createTestBot({ plugins: [[greeter, { greeting: 'Good day' }]] });
  await bot.receive('hi there', { from: 'Bob' });
  bot.expectReply('Bob', 'Good day, Bob!');
  await bot.receive('/greetings', { from: 'Bob' });
  bot.expectReply('Bob', 'I have greeted 1 time(s).');
});
