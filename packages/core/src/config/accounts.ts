import { isAbsolute, join, relative, resolve as resolvePath } from 'node:path';

import { resolveRestart, type RestartPolicy } from './restart.js';
import type { LoadedPlugin } from '../plugin/host.js';
import type { StorageDriver } from '../storage/types.js';
import { formatPath, type ConfigIssue } from './errors.js';
import { packageCandidates, resolvePlugins, validateOptions } from './resolve.js';
import { DEFAULT_TRANSPORT, type TransportKind } from './transport.js';
import type { AccountConfig, AccountEntry, BotConfig } from './types.js';

/**
 * One account of a multi-account config, resolved: shaped like a single-account
 * config (its `config.account` is this account, its limits are merged over the
 * shared ones), so everything that builds one bot builds it.
 */
export interface ResolvedAccount {
  readonly name: string;
  readonly transport: TransportKind;
  readonly config: BotConfig;
  readonly file: string | undefined;
  readonly dir: string;
  /** Absolute data directory (default `<dir>/.wxbot/<name>`). */
  readonly dataDir: string;
  /** Its plugins in order (its own list, or the shared one with its overrides), options validated. */
  readonly plugins: readonly LoadedPlugin[];
  /**
   * How the supervisor restarts it after a failure (its `restart` over the top-level one); `false`: never.
   * Absent (an account made in code): the defaults.
   */
  readonly restart?: RestartPolicy | false;
}

/** The shared top-level plugin list, resolved once for every account that does not bring its own. */
export interface SharedPlugins {
  readonly entries: readonly unknown[];
  readonly plugins: readonly LoadedPlugin[];
  /** Index in `entries` of each plugin. */
  readonly sources: readonly number[];
}

const ACCOUNT_KEYS = [
  'dataDir',
  'loginMode',
  'desktop',
  'hosts',
  'sessionStore',
  'qr',
  'historyCutoffSeconds',
  'proxy',
  'transport',
  'ilink',
  'ownerCommands',
] as const satisfies readonly (keyof AccountConfig)[];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Two data dirs clash when equal or one holds the other (its session, journals and storage would mix). */
function nested(a: string, b: string): boolean {
  const rel = relative(a, b);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The names an entry of the shared list answers to in `pluginOverrides`: as written, and its package names. */
function namesOf(entry: unknown, plugin: LoadedPlugin | undefined): string[] {
  const target = Array.isArray(entry) ? (entry as unknown[])[0] : entry;
  const names = typeof target === 'string' ? [target, ...packageCandidates(target)] : [];
  if (plugin !== undefined) names.push(plugin.plugin.name);
  return names;
}

/**
 * A storage driver shared by several accounts: each sees its own namespaces
 * (`<account>/<plugin>`); closing is left to whoever made the driver, after
 * every account stopped.
 */
export function accountStorage(shared: StorageDriver, account: string): StorageDriver {
  return { namespace: (name) => shared.namespace(`${account}/${name}`) };
}

/** Applies one account's `pluginOverrides` to the shared list; issues name `accounts[i].pluginOverrides.<key>`. */
async function applyOverrides(
  overrides: Record<string, unknown>,
  shared: SharedPlugins,
  index: number,
): Promise<{ plugins: LoadedPlugin[]; issues: ConfigIssue[] }> {
  const issues: ConfigIssue[] = [];
  const owners = shared.entries.map((entry, i) => {
    const k = shared.sources.indexOf(i);
    return { names: namesOf(entry, k < 0 ? undefined : shared.plugins[k]), plugin: k < 0 ? undefined : k };
  });
  const replaced = new Map<number, LoadedPlugin | false>();
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const where = formatPath(['accounts', index, 'pluginOverrides', key]);
    const matching = owners.filter((o) => o.names.includes(key));
    if (matching.length === 0) {
      const known = [...new Set(owners.map((o) => o.names[0]).filter((n) => n !== undefined))];
      issues.push({
        path: where,
        message: `no plugin "${key}" in the top-level plugins${known.length > 0 ? ` (there: ${known.join(', ')})` : ' (the list is empty)'}; overrides change shared plugins, an account's own list goes in its \`plugins\``,
      });
      continue;
    }
    for (const { plugin: k } of matching) {
      // Its shared entry failed to resolve: that is reported once, at plugins[i].
      if (k === undefined) continue;
      const loaded = shared.plugins[k]!;
      if (value === false) {
        replaced.set(k, false);
        continue;
      }
      const checked = await validateOptions(loaded.plugin, value, `${where} (${loaded.plugin.name})`);
      if ('issues' in checked) issues.push(...checked.issues);
      // Keeps the entry's permission narrowing: an override changes options only.
      else replaced.set(k, { ...loaded, options: checked.value });
    }
  }
  const plugins: LoadedPlugin[] = [];
  shared.plugins.forEach((p, k) => {
    const r = replaced.get(k);
    if (r === undefined) plugins.push(p);
    else if (r !== false) plugins.push(r);
  });
  return { plugins, issues };
}

/** The single-account config this account runs as. */
function accountConfig(config: BotConfig, entry: AccountEntry, dataDir: string): BotConfig {
  const account: AccountConfig = { name: entry.name };
  for (const key of ACCOUNT_KEYS) if (entry[key] !== undefined) Object.assign(account, { [key]: entry[key] });
  account.dataDir = dataDir;
  // Several QR codes drawn at once in one terminal cannot be told apart: each account's goes to its PNG
  // (`<dataDir>/<name>.qr.png`, named in the log and by `wxbot start`) unless it asks for the terminal.
  if (entry.qr?.terminal === undefined) account.qr = { ...entry.qr, terminal: false };
  const merged = <T extends object>(shared: T | undefined, own: T | undefined): T | undefined =>
    shared === undefined ? own : own === undefined ? shared : { ...shared, ...own };
  const rateLimits = merged(config.rateLimits, entry.rateLimits);
  const sends = merged(config.sends, entry.sends);
  const runtime = merged(config.runtime, entry.runtime);
  const storage =
    entry.storage ?? (config.storage === undefined ? undefined : accountStorage(config.storage, entry.name));
  const plugins = entry.plugins ?? config.plugins;
  return {
    account,
    ...(config.logging === undefined ? {} : { logging: config.logging }),
    ...(rateLimits === undefined ? {} : { rateLimits }),
    ...(sends === undefined ? {} : { sends }),
    ...(runtime === undefined ? {} : { runtime }),
    ...(storage === undefined ? {} : { storage }),
    ...(plugins === undefined ? {} : { plugins }),
  };
}

/**
 * Checks what spans accounts (unique names, data dirs apart, `account` and
 * `accounts` not together, `plugins` and `pluginOverrides` not together) and
 * resolves each account's plugins. Every problem is returned, none thrown;
 * shape problems of single fields are `checkConfigShape`'s.
 */
export async function resolveAccounts(
  config: BotConfig,
  where: { file: string | undefined; dir: string },
  shared: SharedPlugins,
): Promise<{ accounts: ResolvedAccount[]; issues: ConfigIssue[] }> {
  const issues: ConfigIssue[] = [];
  const list: readonly unknown[] = Array.isArray(config.accounts) ? config.accounts : [];
  if (config.account !== undefined) {
    issues.push({
      path: 'account',
      message: 'use `account` (one account) or `accounts` (several), not both: move its settings into the accounts',
    });
  }
  if (list.length === 0) {
    issues.push({ path: 'accounts', message: 'expected at least one account (or use `account` for a single one)' });
  }
  const names = new Map<string, number>();
  const dirs: { dir: string; index: number }[] = [];
  const settled = await Promise.all(
    list.map(async (raw, i): Promise<ResolvedAccount | undefined> => {
      if (!isRecord(raw) || typeof raw['name'] !== 'string') return undefined;
      const entry = raw as unknown as AccountEntry;
      const first = names.get(entry.name);
      if (first !== undefined) {
        issues.push({
          path: `accounts[${i}].name`,
          message: `"${entry.name}" is also the name of accounts[${first}]; each account needs its own name`,
        });
      } else names.set(entry.name, i);
      const dataDir = resolvePath(
        where.dir,
        typeof entry.dataDir === 'string' && entry.dataDir !== '' ? entry.dataDir : join('.wxbot', entry.name),
      );
      const clash = dirs.find((d) => nested(d.dir, dataDir) || nested(dataDir, d.dir));
      if (clash !== undefined) {
        const how = clash.dir === dataDir ? 'is also' : nested(clash.dir, dataDir) ? 'is inside' : 'holds';
        issues.push({
          path: `accounts[${i}].dataDir`,
          message: `${dataDir} ${how} the data dir of accounts[${clash.index}]; accounts never share one (set dataDir apart, e.g. .wxbot/${entry.name})`,
        });
      } else dirs.push({ dir: dataDir, index: i });
      let plugins: readonly LoadedPlugin[] = shared.plugins;
      if (entry.plugins !== undefined && entry.pluginOverrides !== undefined) {
        issues.push({
          path: `accounts[${i}].pluginOverrides`,
          message: 'an account has its own `plugins` or overrides of the shared ones, not both',
        });
      } else if (Array.isArray(entry.plugins)) {
        const own = await resolvePlugins(entry.plugins, { baseDir: where.dir, path: `accounts[${i}].plugins` });
        issues.push(...own.issues);
        plugins = own.plugins;
      } else if (isRecord(entry.pluginOverrides)) {
        const applied = await applyOverrides(entry.pluginOverrides, shared, i);
        issues.push(...applied.issues);
        plugins = applied.plugins;
      }
      return {
        name: entry.name,
        transport: entry.transport ?? DEFAULT_TRANSPORT,
        config: accountConfig(config, entry, dataDir),
        file: where.file,
        dir: where.dir,
        dataDir,
        plugins,
        restart: resolveRestart(config.restart, entry.restart),
      };
    }),
  );
  // Issues of the cross checks above were pushed in settle order; list them in config order.
  issues.sort((a, b) => order(a.path) - order(b.path));
  return { accounts: settled.filter((a) => a !== undefined), issues };
}

/** Sort key of an issue path: top-level first, then by account index. */
function order(path: string): number {
  const m = /^accounts\[(\d+)\]/.exec(path);
  return m === null ? -1 : Number(m[1]);
}
