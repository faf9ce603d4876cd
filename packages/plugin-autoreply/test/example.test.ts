import { readFile } from 'node:fs/promises';

import { createTestBot, type TestBot, type TestPluginEntry } from '@wxbot/core/testing';

import config, { replies } from '../examples/bot.config.js';
import { manualClock } from './helpers.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** The README's config, with only the clock replaced so quiet hours do not depend on when the suite runs. */
function exampleEntries(now: () => number): TestPluginEntry[] {
  return config.plugins!.map((entry) => {
    const [plugin, options] = entry as readonly [TestPluginEntry & object, Record<string, unknown>];
    return [plugin, { ...options, now }] as unknown as TestPluginEntry;
  });
}

describe('README example config (examples/bot.config.ts) against the simulator', () => {
  it('answers as the README describes', async () => {
    const clock = manualClock();
    bot = await createTestBot({ plugins: exampleEntries(clock.now) });
    const say = async (text: string, from: string, room?: string) =>
      (await bot!.receive(text, { from, ...(room === undefined ? {} : { room }) })).map((r) =>
        r.content?.type === 'text' ? r.content.text : '',
      );

    expect(await say('price?', 'Alice')).toEqual(['The basic plan is ¥30/month.']);
    expect(await say('price?', 'Bob', '测试群')).toEqual([]); // rooms need an @-mention
    expect(await say('@Bot\u2005order 12345', 'Bob', '测试群')).toEqual(['@Bob\u2005Order 12345 is on its way.']);
    clock.advance(3_000);
    expect(await say('any rules here?', 'Erin', '测试群')).toEqual(['@E\u2005Be kind; no ads.']);
    expect(await say('hi', 'Carol')).toEqual([expect.stringMatching(/^(Hi!|Hello!|你好！)$/)]);
    expect(await say('hi', 'Carol')).toEqual([]); // per-user cooldown
    clock.at('23:30');
    expect(await say('price?', 'Dave 🌛')).toEqual([]); // quiet hours

    clock.at('12:00');
    expect(await say('/reload-replies', 'Alice')).toEqual(['Reloaded 5 auto-reply rule(s).']);
    await expect(replies.reload()).resolves.toEqual({ rules: 5 });
  });

  it('is quoted verbatim in the README', async () => {
    const [readme, example] = await Promise.all([
      readFile(new URL('../README.md', import.meta.url), 'utf8'),
      readFile(new URL('../examples/bot.config.ts', import.meta.url), 'utf8'),
    ]);
    expect(readme).toContain('```ts\n' + example + '```');
  });
});
