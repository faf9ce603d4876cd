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
