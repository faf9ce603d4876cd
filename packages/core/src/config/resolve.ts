import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Jiti } from 'jiti';

import { isPlugin, type Plugin } from '../plugin/define.js';
import type { LoadedPlugin } from '../plugin/host.js';
import { narrowingProblems, type PermissionNarrowing } from '../plugin/permissions.js';
import type { ConfigIssue } from './errors.js';
import { explainUnknownKeys, suggestPlugin } from './hints.js';
import { errorMessage } from '../util/error-message.js';

/** How a string entry is tried: the candidates, in order. */
export function packageCandidates(name: string): string[] {
  if (name.startsWith('@') || name.startsWith('wxbot-plugin-')) return [name];
  return [`@wxbot/plugin-${name}`, `wxbot-plugin-${name}`, name];
}

/** Local entries: relative or absolute paths and file: URLs. */
export function isLocalPath(entry: string): boolean {
  return (
    entry.startsWith('./') || entry.startsWith('../') || entry === '.' || isAbsolute(entry) || entry.startsWith('file:')
  );
}

type Resolved = { plugin: Plugin<unknown, unknown>; label: string; fromPackage?: string } | { issue: ConfigIssue };

function pickPlugin(mod: unknown): Plugin<unknown, unknown> | undefined {
  if (isPlugin(mod)) return mod;
  if (typeof mod !== 'object' || mod === null) return undefined;
  const record = mod as Record<string, unknown>;
  if (isPlugin(record['default'])) return record['default'];
  if (isPlugin(record['plugin'])) return record['plugin'];
  const found = Object.values(record).filter(isPlugin);
  return found.length === 1 ? found[0] : undefined;
}

const NOT_A_PLUGIN = 'does not export a plugin (expected `export default definePlugin({...})`)';

function message(error: unknown): string {
  return errorMessage(error).split('\n')[0]!;
}

async function importModule(jiti: () => Promise<Jiti>, specifier: string): Promise<unknown> {
  return (await jiti()).import(specifier);
}

/** Resolves one string entry (package name, shorthand or local path) from `baseDir`. */
async function resolveString(
  entry: string,
  where: string,
  jiti: () => Promise<Jiti>,
  baseDir: string,
): Promise<Resolved> {
  if (isLocalPath(entry)) {
    const file = entry.startsWith('file:') ? entry : resolvePath(baseDir, entry);
    const label = `${where} (${entry})`;
    let mod: unknown;
    try {
      mod = await importModule(jiti, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const notFound = code === 'ENOENT' || code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
      const reason = notFound ? `file not found: ${file}` : `failed to load: ${message(error)}`;
      return { issue: { path: label, message: reason } };
    }
    const plugin = pickPlugin(mod);
    return plugin === undefined ? { issue: { path: label, message: `${file} ${NOT_A_PLUGIN}` } } : { plugin, label };
  }
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(entry)) {
    return {
      issue: {
        path: where,
        message: `"${entry}" is neither a package name nor a path (local paths start with ./ or ../)`,
      },
    };
  }
  const candidates = packageCandidates(entry);
  for (const candidate of candidates) {
    const url = (await jiti()).esmResolve(candidate, { try: true });
    if (url === undefined) continue;
    const label = `${where} (${candidate})`;
    let mod: unknown;
    try {
      mod = await importModule(jiti, candidate);
    } catch (error) {
      return { issue: { path: label, message: `failed to load: ${message(error)}` } };
    }
    const plugin = pickPlugin(mod);
    return plugin === undefined
      ? { issue: { path: label, message: `package ${candidate} ${NOT_A_PLUGIN}` } }
      : { plugin, label, fromPackage: candidate };
  }
  const tried = candidates.length === 1 ? candidates[0]! : candidates.join(', ');
  const guess = suggestPlugin(entry, baseDir);
  return {
    issue: {
      path: where,
      message: `cannot find plugin "${entry}" from ${baseDir} (tried ${tried}); ${
        guess === undefined ? 'is it installed?' : `did you mean "${guess}"?`
      }`,
    },
  };
}

/** Validates options with the plugin's Standard Schema; issues carry the entry's label as prefix. */
export async function validateOptions(
  plugin: Plugin<unknown, unknown>,
  options: unknown,
  label: string,
): Promise<{ value: unknown } | { issues: ConfigIssue[] }> {
  const schema = plugin.options;
  if (schema === undefined) {
    if (options === undefined) return { value: undefined };
    return { issues: [{ path: label, message: `plugin "${plugin.name}" takes no options, but some were given` }] };
  }
  let result: StandardSchemaV1.Result<unknown>;
  try {
    result = await schema['~standard'].validate(options);
    // `plugins: ['weather']` means "the defaults": an object schema whose every field has a
    // default rejects `undefined` but accepts `{}`, so a bare entry is tried as `{}` too.
    if (result.issues !== undefined && options === undefined) {
      const empty = await schema['~standard'].validate({});
      if (empty.issues === undefined) result = empty;
    }
  } catch (error) {
    return { issues: [{ path: label, message: `options validation threw: ${message(error)}` }] };
  }
  const { issues } = explainUnknownKeys(schema, options, result, label);
  if (issues.length === 0 && result.issues === undefined) return { value: result.value };
  return { issues };
}

export interface ResolvePluginsOptions {
  /** Directory packages and relative paths resolve from (the config file's). */
  readonly baseDir: string;
  /** Where the list sits in the config, for issue paths. Default `plugins` (an account's: `accounts[2].plugins`). */
  readonly path?: string;
}

/**
 * Resolves every entry and validates its options, collecting all problems
 * instead of stopping at the first. Falsy entries are skipped.
 */
export async function resolvePlugins(
  entries: readonly unknown[],
  options: ResolvePluginsOptions,
): Promise<{
  plugins: LoadedPlugin[];
  issues: ConfigIssue[];
  /** Index in `entries` of each plugin. */
  sources: number[];
}> {
  // The jiti instance is anchored in baseDir so packages resolve from the user's project, not from core.
  // Made on the first string entry: configs of plugin objects only (and no config) never load jiti.
  let instance: Promise<Jiti> | undefined;
  const jiti = (): Promise<Jiti> =>
    (instance ??= import('jiti').then(({ createJiti }) =>
      createJiti(pathToFileURL(join(options.baseDir, '__wxbot_config__.js')).href, {
        interopDefault: true,
        moduleCache: false,
      }),
    ));
  const settled = await Promise.all(
    entries.map(async (entry, index): Promise<{ plugin?: LoadedPlugin; issues: ConfigIssue[] }> => {
      const where = `${options.path ?? 'plugins'}[${index}]`;
      if (!entry) return { issues: [] };
      let target: unknown = entry;
      let opts: unknown = undefined;
      let settings: unknown = undefined;
      if (Array.isArray(entry)) {
        if (entry.length !== 2 && entry.length !== 3) {
          return {
            issues: [
              {
                path: where,
                message: `expected [plugin, options] or [plugin, options, { permissions }], got an array of ${entry.length}`,
              },
            ],
          };
        }
        [target, opts, settings] = entry as [unknown, unknown, unknown];
      }
      let resolved: Resolved;
      if (isPlugin(target)) resolved = { plugin: target, label: `${where} (${target.name})` };
      else if (typeof target === 'string') resolved = await resolveString(target, where, jiti, options.baseDir);
      else {
        const shown = target === null ? 'null' : Array.isArray(target) ? 'an array' : typeof target;
        resolved = {
          issue: {
            path: where,
            message: `expected a plugin, a package name, a path or [entry, options]; got ${shown}`,
          },
        };
      }
      if ('issue' in resolved) return { issues: [resolved.issue] };
      const validated = await validateOptions(resolved.plugin, opts, resolved.label);
      const narrowing = entrySettings(resolved.plugin, settings, `${where}[2]`);
      if ('issues' in validated || 'issues' in narrowing) {
        return {
          issues: [
            ...('issues' in validated ? validated.issues : []),
            ...('issues' in narrowing ? narrowing.issues : []),
          ],
        };
      }
      const permissions = narrowing.permissions;
      return {
        plugin: {
          plugin: resolved.plugin,
          options: validated.value,
          ...(permissions === undefined ? {} : { permissions }),
          ...(resolved.fromPackage === undefined ? {} : { fromPackage: resolved.fromPackage }),
        },
        issues: [],
      };
    }),
  );
  const plugins: LoadedPlugin[] = [];
  const issues: ConfigIssue[] = [];
  const sources: number[] = [];
  settled.forEach((s, index) => {
    if (s.plugin !== undefined) {
      plugins.push(s.plugin);
      sources.push(index);
    }
    issues.push(...s.issues);
  });
  return { plugins, issues, sources };
}

/**
 * Checks the third element of a plugin entry (`{ permissions }`): it may narrow the plugin's
 * manifest, never widen it. `where` is the element's config path.
 */
export function entrySettings(
  plugin: Plugin<unknown, unknown>,
  settings: unknown,
  where: string,
): { permissions: PermissionNarrowing | undefined } | { issues: ConfigIssue[]; permissions?: undefined } {
  if (settings === undefined) return { permissions: undefined };
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    return { issues: [{ path: where, message: `expected { permissions: {...} } for plugin "${plugin.name}"` }] };
  }
  const { permissions, ...rest } = settings as Record<string, unknown>;
  const issues: ConfigIssue[] = Object.keys(rest).map((key) => ({
    path: `${where}.${key}`,
    message: `unknown entry setting; the plugin's own options go in the second element`,
  }));
  for (const p of narrowingProblems(plugin.name, plugin.permissions, permissions)) {
    issues.push({ path: `${where}.${p.path}`, message: p.message });
  }
  if (issues.length > 0) return { issues };
  return { permissions: permissions as PermissionNarrowing | undefined };
}
