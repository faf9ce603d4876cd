// Bot configuration: `defineConfig` for bot.config.ts, and the loader the CLI uses.
export { defineConfig, defineAccount } from './define.js';
export { ConfigError, formatPath } from './errors.js';
export type { ConfigIssue } from './errors.js';
export { loadConfigFile, jitiLoader, CONFIG_FILES } from './load.js';
export type { LoadedConfigFile, LoadConfigOptions } from './load.js';
export { resolvePlugins, validateOptions, packageCandidates, isLocalPath } from './resolve.js';
export type { ResolvePluginsOptions } from './resolve.js';
export { prepareConfig, loadConfig } from './prepare.js';
export type { ResolvedConfig } from './prepare.js';
export { checkConfigShape } from './schema.js';
export type * from './types.js';
export { accountStorage } from './accounts.js';
export type { ResolvedAccount } from './accounts.js';
export { TRANSPORTS, DEFAULT_TRANSPORT } from './transport.js';
export type { TransportKind } from './transport.js';
