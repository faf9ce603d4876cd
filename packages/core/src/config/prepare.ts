import { resolve as resolvePath } from 'node:path';

import type { LoadedPlugin } from '../plugin/host.js';
import { resolveAccounts, type ResolvedAccount } from './accounts.js';
import { ConfigError } from './errors.js';
import { loadConfigFile, type LoadConfigOptions, type LoadedConfigFile } from './load.js';
import { resolvePlugins } from './resolve.js';
import { checkConfigShape } from './schema.js';
import type { BotConfig } from './types.js';

/** A config that passed every check: ready to start a bot (before login). */
export interface ResolvedConfig {
  readonly config: BotConfig;
  readonly file: string | undefined;
  /** Directory relative paths resolve from. */
  readonly dir: string;
  /** Absolute data directory (`account.dataDir`, default `<dir>/.wxbot`). */
  readonly dataDir: string;
  /** Plugins in order, options validated. */
  readonly plugins: readonly LoadedPlugin[];
  /** With `accounts: [...]`: each account, resolved (then `plugins` is the shared list before overrides). */
  readonly accounts?: readonly ResolvedAccount[];
}

/**
 * Checks a loaded config and resolves its plugins. Throws one ConfigError
 * listing every problem, each with its path.
 */
export async function prepareConfig(loaded: LoadedConfigFile): Promise<ResolvedConfig> {
  const issues = checkConfigShape(loaded.config);
  const entries = Array.isArray(loaded.config.plugins) ? (loaded.config.plugins as readonly unknown[]) : [];
  const { plugins, issues: pluginIssues, sources } = await resolvePlugins(entries, { baseDir: loaded.dir });
  issues.push(...pluginIssues);
  let accounts: readonly ResolvedAccount[] | undefined;
  if (loaded.config.accounts !== undefined) {
    const multi = await resolveAccounts(loaded.config, loaded, { entries, plugins, sources });
    // Shape issues of an account (checkConfigShape) come first; the cross-account ones follow.
    issues.push(...multi.issues);
    accounts = multi.accounts;
  }
  if (issues.length > 0) throw new ConfigError(issues, loaded.file);
  return {
    config: loaded.config,
    file: loaded.file,
    dir: loaded.dir,
    dataDir: resolvePath(loaded.dir, loaded.config.account?.dataDir ?? '.wxbot'),
    plugins,
    ...(accounts === undefined ? {} : { accounts }),
  };
}

/** `loadConfigFile` then `prepareConfig`. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  return prepareConfig(await loadConfigFile(options));
}
