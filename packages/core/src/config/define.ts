import type { AccountEntry, BotConfig, CheckedAccountEntry, CheckedBotConfig, PluginEntry } from './types.js';

/**
 * Declares a bot configuration; returns its argument unchanged. Use it in
 * `bot.config.ts` for types and completion:
 *
 * ```ts
 * export default defineConfig({
 *   plugins: ['autoreply', ['group-admin', { admins: ['wxid_me'] }], './plugins/hello.ts'],
 * });
 * ```
 *
 * The object form checks every plugin entry's options precisely; the
 * function and promise forms (for configs computed at load time) check the
 * general shape only — wrap the returned object in `defineConfig` too for
 * per-entry checks.
 */
export function defineConfig(config: () => BotConfig | Promise<BotConfig>): () => BotConfig | Promise<BotConfig>;
export function defineConfig(config: Promise<BotConfig>): Promise<BotConfig>;
export function defineConfig<const P extends readonly PluginEntry[] = readonly []>(
  config: CheckedBotConfig<P>,
): BotConfig<P>;
export function defineConfig(config: unknown): unknown {
  return config;
}

/**
 * Declares one entry of `accounts` with each plugin entry's options checked
 * precisely (inside `defineConfig`, account plugin lists get the general
 * shape check only); returns its argument unchanged.
 *
 * ```ts
 * accounts: [defineAccount({ name: 'support', plugins: [['autoreply', { rules }]] })],
 * ```
 */
export function defineAccount<const P extends readonly PluginEntry[] = readonly []>(
  account: CheckedAccountEntry<P>,
): AccountEntry<P> {
  return account as AccountEntry<P>;
}
