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

  // Quick follow-ups are answered too: the demo's cooldown lets every question through.
  await bot.receive('price', { from: 'Bob' });
  await bot.receive('price?', { from: 'Bob' });
  await bot.receive('hi', { from: 'Bob' });
  expect(bot.replies().filter((r) => r.includes('The basic plan is ¥30/month.'))).toHaveLength(2);
  expect(bot.replies().some((r) => r.startsWith('Hi!') || r.startsWith('你好'))).toBe(true);

  await bot.receive('/kick @Bob\u2005', { from: 'Alice', room: '测试群' });
  bot.expectRemoved('测试群', 'Bob');
}, 60_000); // the first config load compiles TypeScript
