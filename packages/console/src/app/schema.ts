// JSON Schema → the value a form edits, and the checks a form runs before anything is sent. Only
// the part of JSON Schema that plugin options use (what zod's toJSONSchema emits for them): string,
// number/integer, boolean, enum, array, object, with their usual bounds.

import type { JsonSchema } from './api.js';

export interface FieldError {
  /** Where: `rules[0].reply`, '' for the whole value. */
  readonly path: string;
  readonly message: string;
}

export type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'enum' | 'unknown';

/** What input a schema needs; a nullable type (`["string", "null"]`) is edited as its non-null part. */
export function kindOf(schema: JsonSchema): Kind {
  if (schema.enum !== undefined) return 'enum';
  const types: readonly string[] = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  const type = types.find((t) => t !== 'null');
  if (type === undefined && schema.properties !== undefined) return 'object';
  switch (type) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
    case 'array':
    case 'object':
      return type;
    default:
      return 'unknown';
  }
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The value a field starts with: the given one, else the schema's default; an object's missing
 * properties get their defaults too (the options the plugin really runs with). Nothing else is made
 * up: an empty list or `false` where the option is unset could mean something else to the plugin.
 */
export function initialValue(schema: JsonSchema, given?: unknown): unknown {
  const base = given !== undefined ? given : schema.default;
  if (kindOf(schema) !== 'object' || !(base === undefined || isRecord(base))) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const v = initialValue(sub, out[key]);
    if (v !== undefined) out[key] = v;
  }
  return base === undefined && Object.keys(out).length === 0 ? undefined : out;
}

/** What a new form or list item starts with: as initialValue, and an object is at least `{}` to fill in. */
export function blankValue(schema: JsonSchema, given?: unknown): unknown {
  return initialValue(schema, given) ?? (kindOf(schema) === 'object' ? {} : undefined);
}

/** What a number field's text means: a number, undefined when blank, the text itself when it is not a number. */
export function parseNumberInput(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Every problem of `value` against `schema`, each naming its field. */
export function validate(schema: JsonSchema, value: unknown, path = '', required = false): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (message: string) => errors.push({ path, message });
  if (value === undefined || value === null) {
    if (required) fail('is required');
    return errors;
  }
  const kind = kindOf(schema);
  switch (kind) {
    case 'enum':
      if (!(schema.enum ?? []).includes(value))
        fail(`must be one of ${(schema.enum ?? []).map(describe).join(', ')}, not ${describe(value)}`);
      break;
    case 'string':
      if (typeof value !== 'string') fail('must be text');
      else {
        if (required && value === '' && schema.minLength === undefined) fail('is required');
        if (schema.minLength !== undefined && value.length < schema.minLength)
          fail(`must be at least ${schema.minLength} characters`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength)
          fail(`must be at most ${schema.maxLength} characters`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
          fail(`must match ${schema.pattern}`);
      }
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`must be a number, not ${describe(value)}`);
      else {
        if (kind === 'integer' && !Number.isInteger(value)) fail('must be a whole number');
        if (schema.minimum !== undefined && value < schema.minimum) fail(`must be at least ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) fail(`must be at most ${schema.maximum}`);
        if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
          fail(`must be more than ${schema.exclusiveMinimum}`);
        if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
          fail(`must be less than ${schema.exclusiveMaximum}`);
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail('must be true or false');
      break;
    case 'array':
      if (!Array.isArray(value)) fail('must be a list');
      else {
        if (schema.minItems !== undefined && value.length < schema.minItems)
          fail(`needs at least ${schema.minItems} item(s)`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems)
          fail(`takes at most ${schema.maxItems} item(s)`);
        const items = schema.items;
        if (items !== undefined)
          value.forEach((item: unknown, i) => errors.push(...validate(items, item, childPath(path, i), true)));
      }
      break;
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) fail('must be an object');
      else {
        const record = value as Record<string, unknown>;
        const req = new Set(schema.required ?? []);
        for (const [key, sub] of Object.entries(schema.properties ?? {}))
          errors.push(...validate(sub, record[key], childPath(path, key), req.has(key)));
      }
      break;
    case 'unknown':
      break;
  }
  return errors;
}

/** The value with blank optional fields left out, as the server expects it. */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = pruneEmpty(v);
    return out;
  }
  return value;
}
