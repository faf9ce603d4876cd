import { defineConfig } from '@wxbot/core';

import autoreply, { autoreplyOptionsSchema } from '../src/index.js';

describe('plugin registry augmentation', () => {
  it('types options of "autoreply" entries in bot.config.ts, and the schema agrees at run time', () => {
    const good = defineConfig({
      plugins: [
        ['autoreply', { rules: [{ keyword: 'price', reply: '42' }] }],
        ['@wxbot/plugin-autoreply', { mode: 'all', rules: [{ exact: 'hi', reply: ['a', 'b'] }] }],
        [autoreply, { chats: 'rooms', rulesFile: './replies.json' }],
      ],
    });
    // @ts-expect-error -- `mode` is 'first' | 'all'
    const bad = defineConfig({ plugins: [['autoreply', { mode: 'some' }]] });
    const options = [...good.plugins!, ...(bad as unknown as { plugins: readonly unknown[] }).plugins].map(
      (entry) => (entry as readonly [unknown, unknown])[1],
    );
    expect(options.map((o) => autoreplyOptionsSchema.safeParse(o).success)).toEqual([true, true, true, false]);
  });
});
