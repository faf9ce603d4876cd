import type { JsonSchema } from '../../src/app/api.js';
import { blankValue, initialValue, kindOf, parseNumberInput, pruneEmpty, validate } from '../../src/app/schema.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['port', 'mode'],
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    mode: { enum: ['a', 'b'] },
    name: { type: ['string', 'null'], minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
    on: { type: 'boolean', default: true },
    tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
    nested: { type: 'object', properties: { depth: { type: 'number', default: 3 } } },
  },
};

test('kindOf reads the input a schema needs (nullable types as their non-null part)', () => {
  expect(kindOf({ enum: [1] })).toBe('enum');
  expect(kindOf({ type: ['string', 'null'] })).toBe('string');
  expect(kindOf({ properties: {} })).toBe('object');
  expect(kindOf({ type: 'integer' })).toBe('integer');
  expect(kindOf({})).toBe('unknown');
});

test('initialValue takes the given value, else defaults all the way down, and makes nothing up', () => {
  expect(initialValue(schema)).toEqual({ on: true, nested: { depth: 3 } });
  expect(initialValue(schema, { port: 1, nested: {} })).toEqual({ port: 1, on: true, nested: { depth: 3 } });
  expect(initialValue(schema, { on: false })).toEqual({ on: false, nested: { depth: 3 } });
  expect(initialValue({ type: 'object', properties: { a: { type: 'string' } } })).toBeUndefined();
  expect(blankValue({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({});
  expect(initialValue({ type: 'object', default: {}, properties: { n: { type: 'number', default: 2 } } })).toEqual({
    n: 2,
  });
});

test('a number field keeps what was typed when it is not a number, so the check can say so', () => {
  expect(parseNumberInput(' 12 ')).toBe(12);
  expect(parseNumberInput('1e3')).toBe(1000);
  expect(parseNumberInput('')).toBeUndefined();
  expect(parseNumberInput('12abc')).toBe('12abc');
});

test('validate names every wrong field and what is wrong with it', () => {
  const errors = validate(
    schema,
    { port: 1.5, ratio: 1, mode: 'c', name: 'X', on: 'yes', tags: [], nested: { depth: 'deep' } },
    '',
    true,
  );
  expect(errors).toEqual([
    { path: 'port', message: 'must be a whole number' },
    { path: 'ratio', message: 'must be less than 1' },
    { path: 'mode', message: 'must be one of "a", "b", not "c"' },
    { path: 'name', message: 'must be at least 2 characters' },
    { path: 'name', message: 'must match ^[a-z]+$' },
    { path: 'on', message: 'must be true or false' },
    { path: 'tags', message: 'needs at least 1 item(s)' },
    { path: 'nested.depth', message: 'must be a number, not "deep"' },
  ]);
  expect(validate(schema, { mode: 'a', port: 0, tags: ['x', 'y', 3] }, '', true)).toEqual([
    { path: 'port', message: 'must be at least 1' },
    { path: 'tags', message: 'takes at most 2 item(s)' },
    { path: 'tags[2]', message: 'must be text' },
  ]);
  expect(validate(schema, {}, '', true).map((e) => `${e.path} ${e.message}`)).toEqual([
    'port is required',
    'mode is required',
  ]);
  expect(validate(schema, { port: 8080, mode: 'b', name: 'abc', ratio: 0.5 }, '', true)).toEqual([]);
});

test('pruneEmpty leaves out blank optional fields', () => {
  expect(pruneEmpty({ a: undefined, b: [{ c: undefined, d: 1 }], e: null })).toEqual({ b: [{ d: 1 }], e: null });
});
