import { dirname, resolve as resolvePath } from 'node:path';

import type { Loader } from 'cosmiconfig';

import { ConfigError } from './errors.js';
import { mayHaveConfig, plainJsonConfig } from './probe.js';
import type { BotConfig } from './types.js';
import { errorMessage } from '../util/error-message.js';

/** Where configs are looked for, in order (each directory from cwd up to the project root). */
export const CONFIG_FILES = [
  'bot.config.ts',
  'bot.config.mts',
  'bot.config.js',
  'bot.config.mjs',
  'bot.config.json',
  'wxbot.config.ts',
  'wxbot.config.js',
  'wxbot.config.mjs',
  'wxbot.config.json',
  'package.json',
] as const;

/**
 * Loads TypeScript (and its imports of other local .ts files) without a build
 * step; cosmiconfig's own .ts loader compiles the config file alone and cannot
 * follow its imports.
 */
export const jitiLoader: Loader = async (filepath) => {
  // Loaded on use: jiti is large and only TypeScript configs need it.
  const { createJiti } = await import('jiti');
  const jiti = createJiti(filepath, { interopDefault: true, moduleCache: false });
  return jiti.import(filepath, { default: true });
};

/** A config as found on disk, before plugins are resolved. */
export interface LoadedConfigFile {
  readonly config: BotConfig;
  /** Absolute path of the file it came from; undefined when none was found (defaults apply). */
  readonly file: string | undefined;
  /** Directory plugins and relative paths resolve from. */
  readonly dir: string;
}

export interface LoadConfigOptions {
  /** Start searching here. Default `process.cwd()`. */
  cwd?: string;
  /** Load exactly this file (relative to `cwd`). */
  file?: string;
}

/** The config file's own code threw while it was imported. */
export class ConfigLoadFailure extends Error {
  override name = 'ConfigLoadFailure';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(errorMessage(cause), { cause });
  }
}

/**
 * cosmiconfig takes an ENOENT from a loader for "no such config file" and
 * searches on, so a config that reads a missing file (a token, a .env) was
 * reported as no config at all. Errors from the config's code are wrapped.
 */
function guarded(loader: Loader): Loader {
  return async (filepath, content) => {
    try {
      return (await loader(filepath, content)) as unknown;
    } catch (error) {
      throw new ConfigLoadFailure(filepath, error);
    }
  };
}

async function explorer() {
  // Loaded on use (see probe.ts): most of a config-less start would otherwise be spent here.
  const { cosmiconfig, defaultLoaders } = await import('cosmiconfig');
  return cosmiconfig('wxbot', {
    searchPlaces: [...CONFIG_FILES],
    packageProp: 'wxbot',
    searchStrategy: 'project',
    cache: false,
    loaders: {
      '.ts': guarded(jitiLoader),
      '.mts': guarded(jitiLoader),
      '.cts': guarded(jitiLoader),
      '.js': guarded(defaultLoaders['.js']),
      '.mjs': guarded(defaultLoaders['.mjs']),
      '.cjs': guarded(defaultLoaders['.cjs']),
    },
  });
}

/**
 * Finds and loads the bot config (`bot.config.ts`, `.js`, `.mjs`, `.json`, or
 * the `"wxbot"` key of package.json) and evaluates it: a default-exported
 * object, promise or (async) function all work.
 */
export async function loadConfigFile(options: LoadConfigOptions = {}): Promise<LoadedConfigFile> {
  const cwd = resolvePath(options.cwd ?? process.cwd());
  let result;
  const target = options.file === undefined ? undefined : resolvePath(cwd, options.file);
  if (target === undefined && !mayHaveConfig(cwd, CONFIG_FILES)) return { config: {}, file: undefined, dir: cwd };
  const json = target === undefined ? plainJsonConfig(cwd, CONFIG_FILES) : undefined;
  if (json !== undefined) return { config: json.config as BotConfig, file: json.file, dir: dirname(json.file) };
  try {
    result = target === undefined ? await (await explorer()).search(cwd) : await (await explorer()).load(target);
  } catch (error) {
    if (error instanceof ConfigLoadFailure) {
      throw new ConfigError(
        [{ path: '', message: `loading it threw: ${error.message} (fix the config's code; --verbose shows where)` }],
        error.file,
        error.cause,
      );
    }
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new ConfigError([{ path: '', message: `config file not found: ${target}` }]);
    throw new ConfigError([{ path: '', message: `could not load: ${err.message}` }], target);
  }
  if (result === null) return { config: {}, file: undefined, dir: cwd };
  const file = result.filepath;
  let value: unknown = result.config;
  try {
    if (typeof value === 'function') value = (value as () => unknown)();
    value = await value;
  } catch (error) {
    throw new ConfigError([{ path: '', message: `the exported function threw: ${errorMessage(error)}` }], file, error);
  }
  if (value === undefined || value === null) {
    throw new ConfigError(
      [{ path: '', message: 'nothing is exported (expected `export default defineConfig({...})`)' }],
      file,
    );
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(
      [{ path: '', message: `expected an object, got ${Array.isArray(value) ? 'an array' : typeof value}` }],
      file,
    );
  }
  return { config: value as BotConfig, file, dir: dirname(file) };
}
