// The repository's own bot (the root bot.config.ts that `pnpm wxbot start --simulator` runs),
// exercised through the testing kit against the simulator's default world.
import { fileURLToPath } from 'node:url';

import { createTestBot, type TestBot } from '@wxbot/core/testing';

const config = fileURLToPath(new URL('../bot.config.ts', import.meta.url));

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
});

test('the root config runs the official plugins by shorthand name', async () => {
  bot = await createTestBot({ config });
  expect(bot.bot.plugins().map((p) => `${p.name}:${p.state}`)).toEqual([
    'ping:active',
    expect.stringMatching(/autoreply:active$/),
    expect.stringMatching(/friend-accept:active$/),
    expect.stringMatching(/group-admin:active$/),
  ]);

  await bot.receive('/ping', { from: 'Bob' });
  bot.expectReply('Bob', 'pong');

  await bot.receive('order 20261', { from: 'Alice' });
  bot.expectReply('Alice', /Order 20261 is on its way/);

  await bot.receive('/kick @Bob\u2005', { from: 'Alice', room: '测试群' });
  bot.expectRemoved('测试群', 'Bob');
}, 60_000); // the first config load compiles TypeScript
