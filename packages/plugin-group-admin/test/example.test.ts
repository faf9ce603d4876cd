import { readFile } from 'node:fs/promises';

import { createTestBot, type TestBot, type TestPluginEntry } from '@wxbot/core/testing';

import config from '../examples/bot.config.js';
import { M, ROOM } from './helpers.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

describe('README example config (examples/bot.config.ts) against the simulator', () => {
  it('runs commands for admins only, welcomes, and warns spammers', async () => {
    bot = await createTestBot({ plugins: config.plugins as unknown as TestPluginEntry[] });
    const say = async (text: string, from: string, room = ROOM) =>
      (await bot!.receive(text, { from, room }))
        .filter((a) => a.action === 'send')
        .map((a) => (a.content?.type === 'text' ? a.content.text : ''));

    expect(await say('/topic Hikers', 'Bob')).toEqual(['Only admins can use /topic.']);
    expect(await say('/topic Hikers', 'Alice')).toEqual([]);
    bot.expectTopic('1000000001@chatroom', 'Hikers');
    expect(await say('see https://github.com/wxbot', 'Bob', '1000000001@chatroom')).toEqual([]);
    expect(await say('win big at casino.xyz', 'Bob', '1000000001@chatroom')).toEqual([
      `@Bob${M}warning 1/3: no links. At 3 you will be removed.`,
    ]);
    await bot.roomJoin('1000000001@chatroom', 'Dave 🌛');
    bot.expectReply('1000000001@chatroom', 'Welcome Dave 🌛 to Hikers! Please read the pinned rules.');
    expect(await say(`/kick @Bob${M}`, 'Alice', '1000000001@chatroom')).toEqual(['Removed Bob.']);
    bot.expectRemoved('1000000001@chatroom', 'Bob');
    // Unmanaged room: nothing happens.
    expect(await say('/help', 'Alice', 'Family')).toEqual([]);
  });

  it('is quoted verbatim in the README', async () => {
    const [readme, example] = await Promise.all([
      readFile(new URL('../README.md', import.meta.url), 'utf8'),
      readFile(new URL('../examples/bot.config.ts', import.meta.url), 'utf8'),
    ]);
    expect(readme).toContain('```ts\n' + example + '```');
  });
});
