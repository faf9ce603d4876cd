/* eslint-disable @typescript-eslint/no-meaningless-void-operator -- type tests reference values only to check their types */
// Type-level tests for `accounts: [...]`: `pnpm test` runs tsc first, so every
// `@ts-expect-error` here must stay an error and every other line must compile.
import { z } from 'zod';

import { defineAccount, defineConfig, type BotConfig, type TransportKind } from '../../src/config/index.js';
import { definePlugin } from '../../src/plugin/index.js';

interface ShoutOptions {
  volume: number;
}

declare module '@wxbot/core' {
  interface PluginRegistry {
    '@wxbot/plugin-shout-typetest': ShoutOptions;
  }
}

const counter = definePlugin({
  name: 'counter',
  options: z.object({ step: z.number() }),
  setup() {},
});

const ok: BotConfig = defineConfig({
  rateLimits: { text: { burst: 5, perSecond: 1 } },
  plugins: [['shout-typetest', { volume: 3 }]],
  accounts: [
    {
      name: 'a',
      dataDir: '.wxbot/a',
      loginMode: 'qr',
      transport: 'web',
      rateLimits: { text: { burst: 1, perSecond: 1 } },
    },
    { name: 'b', pluginOverrides: { 'shout-typetest': { volume: 9 }, other: { anything: true } } },
    { name: 'c', pluginOverrides: { 'shout-typetest': false } },
    defineAccount({
      name: 'd',
      plugins: [
        [counter, { step: 2 }],
        ['shout-typetest', { volume: 1 }],
      ],
    }),
    { name: 'e', plugins: ['anything', [counter, { step: 1 }]] },
  ],
});
void ok;

const transport: TransportKind = 'web';
void transport;

// (defineConfig has overloads: a mismatch is reported at the call.)
// @ts-expect-error -- every account needs a name
defineConfig({ accounts: [{ dataDir: '.wxbot/x' }] });

// @ts-expect-error -- transports are a closed list
defineConfig({ accounts: [{ name: 'a', transport: 'carrier-pigeon' }] });

// @ts-expect-error -- a registered plugin's override options are type-checked
defineConfig({ accounts: [{ name: 'a', pluginOverrides: { 'shout-typetest': { volume: 'loud' } } }] });

// @ts-expect-error -- defineAccount checks each entry's options precisely
defineAccount({ name: 'a', plugins: [[counter, { step: 'two' }]] });

// @ts-expect-error -- unknown account options are refused
defineConfig({ accounts: [{ name: 'a', dataDirectory: 'x' }] });
