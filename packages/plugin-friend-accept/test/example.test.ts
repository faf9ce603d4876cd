import { readFile } from 'node:fs/promises';

import { createMemoryStorage } from '@wxbot/core';
import { createTestBot, type TestBot, type TestPluginEntry } from '@wxbot/core/testing';

import config from '../examples/bot.config.js';
import { readHistory } from '../src/index.js';
import { eventually, NAME, progress } from './helpers.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

describe('README example config (examples/bot.config.ts) against the simulator', () => {
  it('accepts, welcomes, tags and seats matching requesters; declines the rest', async () => {
    // Only the delay is shortened: the README's 10–60 s pacing is unit-tested with a fake timer.
    const entries = config.plugins!.map((entry) => {
      const [plugin, options] = entry as readonly [object, Record<string, unknown>];
      return [plugin, { ...options, delayMs: { min: 0, max: 0 } }] as unknown as TestPluginEntry;
    });
    const storage = createMemoryStorage();
    bot = await createTestBot({ plugins: entries, storage });
    await bot.friendRequest('Zed', 'Saw wxbot on GitHub');
    await bot.friendRequest('Yan', 'ORDER-20260105');
    await bot.friendRequest('Xia', 'hello');
    await bot.friendRequest('Wes', 'github: cheap loan offers');
    const history = () => readHistory(storage.namespace(NAME));
    await eventually(
      async () => (await history()).length === 4 && bot!.actions().every((a) => a.status !== 'pending'),
      'four records',
      undefined,
      () => progress(bot!, history),
    );

    expect((await history()).map((r) => `${r.nickName} ${r.decision}: ${r.reason}`).sort()).toEqual([
      'Wes declined: blocked keyword "loan"',
      'Xia declined: verify text did not match',
      'Yan accepted: accepted',
      'Zed accepted: accepted',
    ]);
    bot.expectAccepted('Zed');
    bot.expectReply('Zed', /^(Hi Zed, thanks for adding me!|Welcome, Zed!)$/);
    bot.expectAdded('测试群', 'wxid_zed');
    bot.expectAdded('测试群', 'wxid_yan');
    expect(
      bot
        .actions()
        .filter((a) => a.action === 'setRemark')
        .map((a) => a.remark)
        .sort(),
    ).toEqual(['Yan (via wxbot)', 'Zed (via wxbot)']);
  });

  it('is quoted verbatim in the README', async () => {
    const [readme, example] = await Promise.all([
      readFile(new URL('../README.md', import.meta.url), 'utf8'),
      readFile(new URL('../examples/bot.config.ts', import.meta.url), 'utf8'),
    ]);
    expect(readme).toContain('```ts\n' + example + '```');
  });
});
