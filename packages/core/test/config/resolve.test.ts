import type { StandardSchemaV1 } from '@standard-schema/spec';
import { z } from 'zod';

import { resolvePlugins, validateOptions } from '../../src/config/resolve.js';
import { definePlugin } from '../../src/plugin/define.js';

describe('validateOptions', () => {
  const weather = definePlugin({
    name: 'weather',
    options: z.object({ city: z.string().default('Beijing'), units: z.enum(['c', 'f']).default('c') }),
    setup() {},
  });

  test('a bare entry gets the schema defaults when every field has one', async () => {
    await expect(validateOptions(weather, undefined, 'plugins[0] (weather)')).resolves.toEqual({
      value: { city: 'Beijing', units: 'c' },
    });
  });

  test('a schema that accepts undefined keeps undefined', async () => {
    const optional = definePlugin({ name: 'opt', options: z.object({ a: z.string() }).optional(), setup() {} });
    await expect(validateOptions(optional, undefined, 'plugins[0] (opt)')).resolves.toEqual({ value: undefined });
  });

  test('a bare entry of a plugin with a required option names the missing field', async () => {
    const needy = definePlugin({ name: 'needy', options: z.object({ token: z.string() }), setup() {} });
    const result = await validateOptions(needy, undefined, 'plugins[0] (needy)');
    expect(result).toEqual({ issues: [expect.objectContaining({ path: 'plugins[0] (needy)' })] });
  });

  test('given options are validated as given', async () => {
    const result = await validateOptions(weather, { units: 'k' }, 'plugins[1] (weather)');
    expect(result).toEqual({ issues: [expect.objectContaining({ path: 'plugins[1] (weather).units' })] });
  });
});

describe('did you mean: plugin names and option keys', () => {
  test('a mistyped option key names the closest known one, for stripping and strict schemas, nested too', async () => {
    const weather = definePlugin({
      name: 'weather',
      options: z.object({ city: z.string().default('Beijing'), units: z.enum(['c', 'f']).default('c') }),
      setup() {},
    });
    await expect(validateOptions(weather, { ctiy: 'Paris' }, 'plugins[0] (weather)')).resolves.toEqual({
      issues: [{ path: 'plugins[0] (weather).ctiy', message: 'unknown option (did you mean "city"?)' }],
    });
    const strict = definePlugin({
      name: 'strict',
      options: z.strictObject({
        reply: z.string().default('hi'),
        rules: z.array(z.strictObject({ match: z.string(), text: z.string() })).default([]),
      }),
      setup() {},
    });
    await expect(
      validateOptions(strict, { replay: 'x', rules: [{ match: 'a', txet: 'b', text: 'c' }] }, 'plugins[1] (strict)'),
    ).resolves.toEqual({
      issues: expect.arrayContaining([
        { path: 'plugins[1] (strict).replay', message: 'unknown option (did you mean "reply"?)' },
        { path: 'plugins[1] (strict).rules[0].txet', message: 'unknown option (did you mean "text"?)' },
      ]),
    });
    // A loose schema keeps extra keys on purpose: no complaint.
    const loose = definePlugin({ name: 'loose', options: z.looseObject({ a: z.string().default('') }), setup() {} });
    await expect(validateOptions(loose, { b: 1 }, 'plugins[2] (loose)')).resolves.toEqual({ value: { a: '', b: 1 } });
  });

  test('a plugin name that is not installed suggests the installed one it looks like', async () => {
    const { makeProject } = await import('./helpers.js');
    const { resolvePlugins } = await import('../../src/config/resolve.js');
    const p = await makeProject({
      'node_modules/@wxbot/plugin-autoreply/package.json': '{"name":"@wxbot/plugin-autoreply"}',
      'node_modules/wxbot-plugin-weather/package.json': '{"name":"wxbot-plugin-weather"}',
    });
    try {
      const { issues } = await resolvePlugins(['autorepy', 'wxbot-plugin-wether', 'nothing-like-it'], {
        baseDir: p.dir,
      });
      expect(issues.map((i) => i.message)).toEqual([
        expect.stringMatching(/cannot find plugin "autorepy" .*; did you mean "autoreply"\?$/),
        expect.stringMatching(/; did you mean "wxbot-plugin-weather"\?$/),
        expect.stringMatching(/; is it installed\?$/),
      ]);
    } finally {
      await p.cleanup();
    }
  });
});

describe('validateOptions: every outcome', () => {
  /** A hand-made Standard Schema, to control exactly what validation returns. */
  function schemaOf(validate: (value: unknown) => unknown): StandardSchemaV1<unknown, unknown> {
    return { '~standard': { version: 1, vendor: 'test', validate } } as StandardSchemaV1<unknown, unknown>;
  }
  const withSchema = (name: string, validate: (value: unknown) => unknown) =>
    definePlugin({ name, options: schemaOf(validate), setup() {} });

  test('a plugin without a schema takes no options: none is fine, some is an issue naming it', async () => {
    const bare = definePlugin({ name: 'bare', setup() {} });
    await expect(validateOptions(bare, undefined, 'plugins[2] (bare)')).resolves.toEqual({ value: undefined });
    await expect(validateOptions(bare, { a: 1 }, 'plugins[2] (bare)')).resolves.toEqual({
      issues: [{ path: 'plugins[2] (bare)', message: 'plugin "bare" takes no options, but some were given' }],
    });
  });

  test('issue paths join the entry label with plain keys and { key } segments; no path means the entry', async () => {
    const p = withSchema('paths', () => ({
      issues: [
        { message: 'bad city', path: ['city'] },
        { message: 'bad item', path: [{ key: 'items' }, { key: 0 }, 'name'] },
        { message: 'bad whole' },
      ],
    }));
    await expect(validateOptions(p, { x: 1 }, 'plugins[0] (paths)')).resolves.toEqual({
      issues: [
        { path: 'plugins[0] (paths).city', message: 'bad city' },
        { path: 'plugins[0] (paths).items[0].name', message: 'bad item' },
        { path: 'plugins[0] (paths)', message: 'bad whole' },
      ],
    });
  });

  test('a schema that throws (or rejects) is reported with the first line of its error', async () => {
    const throwing = withSchema('boom', () => {
      throw new Error('kaboom\n    at somewhere');
    });
    await expect(validateOptions(throwing, { a: 1 }, 'plugins[0] (boom)')).resolves.toEqual({
      issues: [{ path: 'plugins[0] (boom)', message: 'options validation threw: kaboom' }],
    });
    const rejecting = withSchema('late', () => Promise.reject(new Error('later')));
    await expect(validateOptions(rejecting, { a: 1 }, 'plugins[0] (late)')).resolves.toEqual({
      issues: [{ path: 'plugins[0] (late)', message: 'options validation threw: later' }],
    });
  });

  test('only a bare entry is retried as {}; the retry keeps the first issues when {} fails too', async () => {
    const seen: unknown[] = [];
    const p = withSchema('strict', (value) => {
      seen.push(value);
      return value === undefined ? { issues: [{ message: 'required' }] } : { value: { got: value } };
    });
    await expect(validateOptions(p, undefined, 'e')).resolves.toEqual({ value: { got: {} } });
    expect(seen).toEqual([undefined, {}]);
    seen.length = 0;
    const never = withSchema('never', (value) => {
      seen.push(value);
      return { issues: [{ message: value === undefined ? 'first' : 'second' }] };
    });
    await expect(validateOptions(never, undefined, 'e')).resolves.toEqual({
      issues: [{ path: 'e', message: 'first' }],
    });
    seen.length = 0;
    await expect(validateOptions(never, null, 'e')).resolves.toEqual({ issues: [{ path: 'e', message: 'second' }] });
    expect(seen).toEqual([null]);
  });

  test('a bare entry the schema accepts is not retried as {}; no schema and no options is exactly { value: undefined }', async () => {
    const seen: unknown[] = [];
    const lenient = withSchema('lenient', (value) => {
      seen.push(value);
      return { value: { got: value } };
    });
    await expect(validateOptions(lenient, undefined, 'e')).resolves.toStrictEqual({ value: { got: undefined } });
    expect(seen).toEqual([undefined]);
    const bare = definePlugin({ name: 'bare', setup() {} });
    await expect(validateOptions(bare, undefined, 'e')).resolves.toStrictEqual({ value: undefined });
  });

  test('an async schema is awaited and its value passed on as is', async () => {
    const p = withSchema('async', async (value) => ({ value: { wrapped: value } }));
    await expect(validateOptions(p, 5, 'e')).resolves.toEqual({ value: { wrapped: 5 } });
  });
});

describe('resolvePlugins: permission narrowing in the third element', () => {
  const moderator = definePlugin({
    name: 'moderator',
    permissions: { actions: ['send', 'rooms.remove'], chats: 'rooms' },
    setup() {},
  });

  test('a narrowing within the manifest is carried to the loaded plugin', async () => {
    const { plugins, issues } = await resolvePlugins(
      [[moderator, undefined, { permissions: { rooms: ['Family'], actions: ['send'] } }]],
      { baseDir: process.cwd() },
    );
    expect(issues).toEqual([]);
    expect(plugins[0]?.permissions).toEqual({ rooms: ['Family'], actions: ['send'] });
  });

  test('widening is refused at config check, naming the entry and what widens', async () => {
    const { plugins, issues } = await resolvePlugins(
      [
        [moderator, undefined, { permissions: { actions: ['rooms.*'], chats: 'any' }, extra: 1 }],
        [moderator, 1, 2, 3],
      ],
      { baseDir: process.cwd() },
    );
    expect(plugins).toEqual([]);
    expect(issues).toEqual([
      { path: 'plugins[0][2].extra', message: expect.stringMatching(/unknown entry setting/) },
      {
        path: 'plugins[0][2].permissions.actions[0]',
        message: expect.stringMatching(/"rooms\.\*" widens plugin "moderator".*rooms\.add/),
      },
      { path: 'plugins[0][2].permissions.chats', message: expect.stringMatching(/"any" widens plugin "moderator"/) },
      {
        path: 'plugins[1]',
        message: expect.stringMatching(/\[plugin, options, \{ permissions \}\], got an array of 4/),
      },
    ]);
  });
});
