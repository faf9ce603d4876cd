import { z } from 'zod';

import { closest } from '../plugin/suggest.js';
import type { ConfigIssue } from './errors.js';
import { formatPath, joinPath } from './errors.js';

const isObjectWith =
  (methods: readonly string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');

const origin = z.string().regex(/^https?:\/\/[^/\s]+$/, 'expected an origin like https://wx2.qq.com (no path)');
const bucket = z.strictObject({ burst: z.number().int().positive(), perSecond: z.number().positive() });
const positiveMs = z.number().int().positive();

/** The shape of everything but plugin entries (those are checked against each plugin's own schema). */
const configSchema = z.strictObject({
  account: z
    .strictObject({
      name: z
        .string()
        .regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-" (it names files)')
        .optional(),
      dataDir: z.string().min(1).optional(),
      loginMode: z.enum(['auto', 'qr', 'push', 'hot']).optional(),
      desktop: z
        .union([
          z.boolean(),
          z.strictObject({
            clientVersion: z.string().optional(),
            extspam: z.string().optional(),
            userAgent: z.string().optional(),
          }),
        ])
        .optional(),
      hosts: z
        .strictObject({
          login: origin.optional(),
          main: origin.optional(),
          file: origin.optional(),
          push: origin.optional(),
        })
        .optional(),
      sessionStore: z
        .custom((v) => isObjectWith(['get', 'set', 'delete'])(v), 'expected a SessionStore ({ get, set, delete })')
        .optional(),
      qr: z
        .strictObject({
          terminal: z.boolean().optional(),
          pngPath: z.union([z.string(), z.literal(false)]).optional(),
          maxRefreshes: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
  logging: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
      pretty: z.boolean().optional(),
    })
    .optional(),
  rateLimits: z
    .strictObject({
      text: bucket.optional(),
      media: bucket.optional(),
      friend: bucket.optional(),
      room: bucket.optional(),
      misc: bucket.optional(),
    })
    .optional(),
  runtime: z
    .strictObject({
      handlerTimeoutMs: positiveMs.optional(),
      setupTimeoutMs: positiveMs.optional(),
      maxFailures: z.number().int().positive().optional(),
      failureWindowMs: positiveMs.optional(),
    })
    .optional(),
  storage: z.custom((v) => isObjectWith(['namespace'])(v), 'expected a StorageDriver ({ namespace(name) })').optional(),
  plugins: z.array(z.unknown()).optional(),
});

/** Checks everything but plugin entries; returns every problem (empty when fine). */
export function checkConfigShape(config: unknown): ConfigIssue[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return [
      {
        path: '',
        message: `expected the config to be an object, got ${Array.isArray(config) ? 'an array' : typeof config}`,
      },
    ];
  }
  const result = configSchema.safeParse(config);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const path = formatPath(issue.path);
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
    // One line per unknown key, with the likely intended name: typos are the usual cause.
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known);
      return {
        path: joinPath(path, formatPath([key])),
        message: `unknown option${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
      };
    });
  });
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const segment of path) {
    const unwrapped = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    if (!(unwrapped instanceof z.ZodObject)) return [];
    const next = (unwrapped.shape as Record<string, z.ZodType | undefined>)[String(segment)];
    if (next === undefined) return [];
    schema = next;
  }
  const unwrapped = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return unwrapped instanceof z.ZodObject ? Object.keys(unwrapped.shape) : [];
}
