import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { StandardSchemaV1 } from '@standard-schema/spec';

import { closest } from '../plugin/suggest.js';
import { formatPath, joinPath, type ConfigIssue } from './errors.js';

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Plugin packages installed where `baseDir` resolves packages from (each node_modules up the tree). */
export function installedPlugins(baseDir: string): string[] {
  const found = new Set<string>();
  for (let dir = baseDir; ; dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    for (const name of entries(modules)) {
      if (name.startsWith('wxbot-plugin-')) found.add(name);
      else if (name.startsWith('@')) {
        for (const inner of entries(join(modules, name))) {
          if ((name === '@wxbot' && inner.startsWith('plugin-')) || inner.startsWith('wxbot-plugin-'))
            found.add(`${name}/${inner}`);
        }
      }
    }
    if (dirname(dir) === dir) break;
  }
  return [...found];
}

/** The installed plugin a mistyped entry most likely meant, written the way the entry was (shorthand or full). */
export function suggestPlugin(entry: string, baseDir: string): string | undefined {
  const names = installedPlugins(baseDir);
  const short = (n: string) => n.replace(/^@wxbot\/plugin-/, '').replace(/^(@[^/]+\/)?wxbot-plugin-/, '');
  const full = entry.startsWith('@') || entry.startsWith('wxbot-plugin-');
  return closest(entry, full ? names : names.map(short));
}

type Schema = Record<string, unknown> | undefined;

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** Unwraps optional/default/nullable wrappers (zod's `unwrap()`, valibot's `wrapped`). */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 8 && s !== undefined && asSchema(s['shape']) === undefined; i++) {
    const next =
      typeof s['unwrap'] === 'function' ? asSchema((s['unwrap'] as () => unknown).call(s)) : asSchema(s['wrapped']);
    if (next === undefined) break;
    s = next;
  }
  return s;
}

/**
 * The keys an object schema declares at `path`, read from zod's `shape` or
 * valibot's `entries`; undefined when the schema does not say.
 */
export function declaredKeys(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let s = unwrap(asSchema(schema));
  for (const segment of path) {
    if (s === undefined) return undefined;
    if (typeof segment === 'number' || /^\d+$/.test(String(segment))) {
      // zod's arrays unwrap() to their element, so `s` may already be it.
      const element = asSchema(s['element'] ?? s['item']);
      s = element === undefined ? s : unwrap(element);
    } else {
      const shape = asSchema(s['shape']) ?? asSchema(s['entries']);
      s = unwrap(asSchema(shape?.[String(segment)]));
    }
  }
  const shape = s === undefined ? undefined : (asSchema(s['shape']) ?? asSchema(s['entries']));
  return shape === undefined ? undefined : Object.keys(shape);
}

function unknownKey(label: string, path: readonly PropertyKey[], key: string, known: readonly string[]): ConfigIssue {
  const guess = closest(key, known);
  return {
    path: joinPath(label, formatPath([...path, key])),
    message: `unknown option${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`,
  };
}

function segmentKey(segment: PropertyKey | StandardSchemaV1.PathSegment): PropertyKey {
  return typeof segment === 'object' ? segment.key : segment;
}

/**
 * Option keys the plugin does not know, each with the closest known key:
 * issues a strict schema raised ("Unrecognized key") are rewritten to name
 * the key, and keys a stripping schema silently dropped are reported (a typo
 * would otherwise leave the option at its default without a word).
 */
export function explainUnknownKeys(
  schema: unknown,
  options: unknown,
  result: StandardSchemaV1.Result<unknown>,
  label: string,
): { issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  if (result.issues !== undefined) {
    for (const issue of result.issues) {
      const path = (issue.path ?? []).map(segmentKey);
      const keys = /^Unrecognized keys?: (.*)$/i.exec(issue.message)?.[1];
      const known = keys === undefined ? undefined : declaredKeys(schema, path);
      if (keys === undefined || known === undefined) {
        issues.push({ path: joinPath(label, formatPath(path)), message: issue.message });
        continue;
      }
      for (const m of keys.matchAll(/"((?:[^"\\]|\\.)*)"/g)) issues.push(unknownKey(label, path, m[1]!, known));
    }
    return { issues };
  }
  const given = asSchema(options);
  const known = declaredKeys(schema, []);
  const kept = asSchema(result.value);
  if (given === undefined || known === undefined || kept === undefined || Array.isArray(options)) return { issues };
  for (const key of Object.keys(given)) {
    if (!known.includes(key) && !Object.hasOwn(kept, key)) issues.push(unknownKey(label, [], key, known));
  }
  return { issues };
}
