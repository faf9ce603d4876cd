import { defineConfig, validateOptions } from '@wxbot/core';

import friendAccept, { friendAcceptOptionsSchema } from '../src/index.js';

async function issues(options: unknown): Promise<string[]> {
  const result = await validateOptions(friendAccept, options, 'plugins[0]');
  return 'issues' in result ? result.issues.map((i) => `${i.path}: ${i.message}`) : [];
}

describe('options schema', () => {
  it('needs no options; defaults are slow and capped', async () => {
    for (const given of [undefined, {}]) {
      expect(await validateOptions(friendAccept, given, 'plugins[0]')).toEqual({
        value: {
          block: [],
          blockKeywords: [],
          dailyCap: 20,
          delayMs: { min: 10_000, max: 60_000 },
          welcome: false,
          rooms: [],
          inviteAbove: 39,
          historyLimit: 1000,
        },
      });
    }
  });

  it.each([
    [{ delayMs: { min: 5, max: 1 } }, 'plugins[0].delayMs: delayMs.min must not exceed delayMs.max'],
    [{ delayMs: { min: -1, max: 1 } }, 'plugins[0].delayMs.min: Too small: expected number to be >=0'],
    [{ regex: '[' }, 'plugins[0].regex: invalid regex: Invalid regular expression: /[/: Unterminated character class'],
    [{ regex: 5 }, 'plugins[0].regex: regex must be a RegExp or its source text'],
    [{ regex: /a/, flags: 'i' }, 'plugins[0].flags: flags only apply to a string regex'],
    [{ welcome: true }, 'plugins[0].welcome: welcome must be a text, a list of texts or false'],
    [{ keywords: [''] }, 'plugins[0].keywords[0]: keyword must not be empty'],
    [{ dailyCap: 1.5 }, 'plugins[0].dailyCap: Invalid input: expected int, received number'],
    [{ rooms: 'Family' }, 'plugins[0].rooms: Invalid input: expected array, received string'],
    [{ delay: 5 }, 'plugins[0]: Unrecognized key: "delay"'],
    ['yes', 'plugins[0]: friend-accept options must be an object'],
  ])('explains %j', async (options, expected) => {
    expect(await issues(options)).toContain(expected);
  });

  it('types "friend-accept" entries in bot.config.ts', () => {
    const good = defineConfig({
      plugins: ['friend-accept', ['@wxbot/plugin-friend-accept', { keywords: ['github'], dailyCap: 10 }]],
    });
    // @ts-expect-error -- dailyCap is a number
    const bad = defineConfig({ plugins: [['friend-accept', { dailyCap: 'ten' }]] });
    const options = [good.plugins![1], (bad as unknown as { plugins: unknown[] }).plugins[0]].map(
      (e) => (e as [unknown, unknown])[1],
    );
    expect(options.map((o) => friendAcceptOptionsSchema.safeParse(o).success)).toEqual([true, false]);
  });
});
