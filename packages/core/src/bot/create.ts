import { join } from 'node:path';
import type { Logger } from 'pino';

import { createClient, type ClientInternals } from '../client/client.js';
import type { ClientOptions } from '../client/types.js';
import type { ResolvedConfig } from '../config/prepare.js';
import { createJsonFileStorage } from '../storage/json-file.js';
import { webTransport, type WebTransport } from '../transport/web.js';
import type { StorageDriver } from '../storage/types.js';
import { Bot } from './bot.js';
import { createLogger } from './logger.js';

export interface CreateBotOverrides {
  /** Replaces the config's logger. */
  readonly logger?: Logger;
  /** Client options applied over what the config says (the simulator sets hosts, QR and session store). */
  readonly client?: Partial<ClientOptions>;
  /** Client tuning (tests poll faster). */
  readonly clientInternals?: ClientInternals;
  /** Replaces the config's plugin storage. */
  readonly storage?: StorageDriver;
}

/** Builds a bot (client, plugin host, storage, logger) from a resolved config; call `start()` on it. */
export function createBotFromConfig(resolved: ResolvedConfig, overrides: CreateBotOverrides = {}): Bot<WebTransport> {
  const { config } = resolved;
  const logger = overrides.logger ?? createLogger(config.logging);
  const account = config.account ?? {};
  const options: ClientOptions = {
    dataDir: resolved.dataDir,
    logger,
    ...(account.name === undefined ? {} : { account: account.name }),
    ...(account.loginMode === undefined ? {} : { loginMode: account.loginMode }),
    ...(account.desktop === undefined ? {} : { desktop: account.desktop }),
    ...(account.hosts === undefined ? {} : { hosts: account.hosts }),
    ...(account.sessionStore === undefined ? {} : { sessionStore: account.sessionStore }),
    ...(account.qr === undefined ? {} : { qr: account.qr }),
    ...(account.historyCutoffSeconds === undefined ? {} : { historyCutoffSeconds: account.historyCutoffSeconds }),
    ...(account.proxy === undefined ? {} : { proxy: account.proxy }),
    ...(config.rateLimits === undefined ? {} : { rateLimits: config.rateLimits }),
    ...(config.sends === undefined ? {} : { sends: config.sends }),
    ...overrides.client,
  };
  const storage =
    overrides.storage ?? config.storage ?? createJsonFileStorage({ dir: join(resolved.dataDir, 'storage') });
  return new Bot({
    transport: webTransport(createClient(options, overrides.clientInternals)),
    plugins: resolved.plugins,
    logger,
    storage,
    baseDir: resolved.dir,
    dataDir: resolved.dataDir,
    ...(config.runtime === undefined ? {} : { isolation: config.runtime }),
    ...(account.ownerCommands === undefined ? {} : { ownerCommands: account.ownerCommands }),
  });
}
