import { z } from 'zod';

import { validateOptions } from '../../src/config/resolve.js';
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
