import { z } from 'zod';

import { definePlugin } from '../../src/plugin/define.js';
import { pluginOptionsJsonSchema } from '../../src/plugin/json-schema.js';

test("a zod-optioned plugin's options come out as JSON Schema, unrepresentable fields left open", () => {
  const plugin = definePlugin({
    name: 'with-options',
    options: z.object({
      every: z.number().int().min(1),
      mode: z.enum(['first', 'all']).default('first'),
      nested: z.object({ on: z.boolean().default(false) }).default({ on: false }),
      hook: z.custom<() => void>((v) => typeof v === 'function').optional(),
    }),
    setup() {},
  });
  const schema = pluginOptionsJsonSchema(plugin) as {
    type: string;
    required: string[];
    properties: Record<string, Record<string, unknown>>;
  };
  expect(schema.type).toBe('object');
  expect(schema.required).toEqual(['every']);
  expect(schema.properties['every']).toMatchObject({ type: 'integer', minimum: 1 });
  expect(schema.properties['mode']).toMatchObject({ enum: ['first', 'all'], default: 'first' });
  expect(schema.properties['nested']).toMatchObject({ type: 'object', properties: { on: { type: 'boolean' } } });
  // A function has no JSON Schema: left open, and the rest still comes out.
  expect(schema.properties['hook']).toEqual({});
});

test('no options, or a schema without the Standard JSON Schema interface, gives undefined', () => {
  expect(pluginOptionsJsonSchema(definePlugin({ name: 'bare', setup() {} }))).toBeUndefined();
  const validateOnly = { '~standard': { version: 1, vendor: 'x', validate: (value: unknown) => ({ value }) } };
  expect(pluginOptionsJsonSchema({ options: validateOnly })).toBeUndefined();
  const throwing = {
    '~standard': {
      jsonSchema: {
        input: () => {
          throw new Error('cannot');
        },
      },
    },
  };
  expect(pluginOptionsJsonSchema({ options: throwing })).toBeUndefined();
});
