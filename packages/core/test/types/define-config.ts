/* eslint-disable @typescript-eslint/no-meaningless-void-operator -- type tests reference values only to check their types */
// Type-level tests for defineConfig: `pnpm test` runs tsc first, so every
// `@ts-expect-error` here must stay an error and every other line must compile.
import { z } from 'zod';

import { defineConfig, type BotConfig } from '../../src/config/index.js';
import { definePlugin } from '../../src/plugin/index.js';

interface GreeterOptions {
  greeting: string;
  rooms?: string[];
}
interface OptionalOptions {
  verbose?: boolean;
}

declare module '@wxbot/core' {
  interface PluginRegistry {
    '@wxbot/plugin-greeter-typetest': GreeterOptions;
    'wxbot-plugin-loose-typetest': OptionalOptions | undefined;
  }
}

const withOptions = definePlugin({
  name: 'with-options',
  options: z.object({ count: z.number(), label: z.string().default('x') }),
  setup(_ctx, options) {
    const n: number = options.count;
    const label: string = options.label;
    void n;
    void label;
  },
});
const noOptions = definePlugin({ name: 'no-options', setup() {} });
const optionalOptions = definePlugin({
  name: 'optional-options',
  options: z.object({ n: z.number() }).optional(),
  setup() {},
});

// Every kind of entry, including falsy ones and unregistered package names.
const ok: BotConfig = defineConfig({
  account: { name: 'main', dataDir: '.wxbot', loginMode: 'auto', hosts: { main: 'http://127.0.0.1:1' } },
  logging: { level: 'debug', pretty: false },
  rateLimits: { text: { burst: 5, perSecond: 1 } },
  runtime: { handlerTimeoutMs: 5_000, maxFailures: 3 },
  plugins: [
    noOptions,
    optionalOptions,
    [optionalOptions, { n: 1 }],
    [withOptions, { count: 2 }],
    ['@wxbot/plugin-greeter-typetest', { greeting: 'hi' }],
    ['greeter-typetest', { greeting: 'hi', rooms: ['Book club'] }],
    'loose-typetest',
    'wxbot-plugin-loose-typetest',
    ['loose-typetest', { verbose: true }],
    './plugins/local.ts',
    'some-unregistered-package',
    ['some-unregistered-package', { anything: 1 }],
    process.env['CI'] === undefined && noOptions,
    null,
    undefined,
  ],
});
void ok;

// The function and promise forms are accepted too.
const fn = defineConfig(() => ({ plugins: [noOptions] }));
const asyncFn = defineConfig(async () => ({ plugins: [[withOptions, { count: 1 }]] }));
const promised = defineConfig(Promise.resolve<BotConfig>({ plugins: [] }));
void fn;
void asyncFn;
void promised;

// @ts-expect-error options of a registered name are checked (greeting must be a string)
defineConfig({ plugins: [['greeter-typetest', { greeting: 1 }]] });
// @ts-expect-error unknown option keys of a registered name are refused
defineConfig({ plugins: [['@wxbot/plugin-greeter-typetest', { greeting: 'hi', colour: 'red' }]] });
// @ts-expect-error a registered plugin with required options cannot be listed bare
defineConfig({ plugins: ['greeter-typetest'] });
// @ts-expect-error options of a plugin value are checked against its schema's input
defineConfig({ plugins: [[withOptions, { count: 'two' }]] });
// @ts-expect-error a plugin value whose options are required cannot be listed bare
defineConfig({ plugins: [withOptions] });
// @ts-expect-error not a plugin entry
defineConfig({ plugins: [42] });
// @ts-expect-error misspelt top-level option
defineConfig({ acount: { name: 'x' } });
// @ts-expect-error wrong login mode
defineConfig({ account: { loginMode: 'magic' } });
// @ts-expect-error the function form still checks the general shape
defineConfig(() => ({ plugins: [42] }));
