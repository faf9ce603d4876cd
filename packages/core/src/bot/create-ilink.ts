import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Logger } from 'pino';

import type { ResolvedConfig } from '../config/prepare.js';
import type { SessionStore } from '../session/types.js';
import { createJsonFileStorage } from '../storage/json-file.js';
import type { StorageDriver } from '../storage/types.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/error-message.js';
import { Bot } from './bot.js';
import { createLogger } from './logger.js';

/** The package `transport: 'ilink'` needs; core does not depend on it (it depends on core). */
export const ILINK_PACKAGE = '@wxbot/transport-ilink';

/** What core uses of `@wxbot/transport-ilink` (typed here: a type import would make the packages a cycle). */
export interface IlinkModule {
  ilinkTransport(options: {
    account?: string;
    dataDir?: string;
    sessionStore?: SessionStore;
    apiBaseUrl?: string;
    cdnBaseUrl?: string;
    replyWindowMs?: number | null;
    [tuning: string]: unknown;
  }): Transport;
}

export interface CreateIlinkBotOverrides {
  readonly logger?: Logger;
  readonly storage?: StorageDriver;
  /** Transport options over the config's (the simulator sets the base URLs and a memory store). */
  readonly ilink?: Record<string, unknown>;
  /** Loads the package; default: resolved from the config file's directory, as plugins are. */
  readonly load?: () => Promise<IlinkModule>;
}

/** `@wxbot/transport-ilink` is not installed where the config lives. */
export class IlinkMissingError extends Error {
  override name = 'IlinkMissingError';
  constructor(cause: unknown) {
    super(
      `account.transport is 'ilink', which needs ${ILINK_PACKAGE}: npm install ${ILINK_PACKAGE} (${errorMessage(cause).split('\n')[0] ?? ''})`,
      { cause },
    );
  }
}

function isIlinkModule(mod: unknown): mod is IlinkModule {
  return typeof mod === 'object' && mod !== null && typeof (mod as IlinkModule).ilinkTransport === 'function';
}

/** Imports the transport package from the user's project (jiti anchored in the config's directory). */
export async function loadIlinkModule(baseDir: string, specifier: string = ILINK_PACKAGE): Promise<IlinkModule> {
  let mod: unknown;
  try {
    const { createJiti } = await import('jiti');
    mod = await createJiti(pathToFileURL(join(baseDir, '__wxbot_config__.js')).href, { interopDefault: true }).import(
      specifier,
    );
  } catch (error) {
    throw new IlinkMissingError(error);
  }
  if (!isIlinkModule(mod)) throw new IlinkMissingError(new Error(`${ILINK_PACKAGE} exports no ilinkTransport()`));
  return mod;
}

/**
 * Builds a bot on WeChat's official bot API for an account with `transport: 'ilink'` (async: the transport
 * package is loaded on demand). The session, its journal and plugin storage live under the data dir as
 * for a Web account.
 */
export async function createIlinkBotFromConfig(
  resolved: IlinkBotSource,
  overrides: CreateIlinkBotOverrides = {},
): Promise<Bot> {
  const mod = await (overrides.load ?? (() => loadIlinkModule(resolved.dir)))();
  return buildIlinkBot(mod, resolved, overrides);
}

/** What a bot is built from: a resolved config, or one resolved account of `accounts: [...]`. */
export type IlinkBotSource = Pick<ResolvedConfig, 'config' | 'dir' | 'dataDir' | 'plugins'>;

/** `createIlinkBotFromConfig` with the package already loaded (the account supervisor builds bots synchronously). */
export function buildIlinkBot(
  mod: IlinkModule,
  resolved: IlinkBotSource,
  overrides: CreateIlinkBotOverrides = {},
): Bot {
  const { config } = resolved;
  const account = config.account ?? {};
  const logger = overrides.logger ?? createLogger(config.logging);
  const ilink = account.ilink ?? {};
  const transport = mod.ilinkTransport({
    dataDir: resolved.dataDir,
    ...(account.name === undefined ? {} : { account: account.name }),
    ...(account.sessionStore === undefined ? {} : { sessionStore: account.sessionStore }),
    ...(ilink.apiBaseUrl === undefined ? {} : { apiBaseUrl: ilink.apiBaseUrl }),
    ...(ilink.cdnBaseUrl === undefined ? {} : { cdnBaseUrl: ilink.cdnBaseUrl }),
    ...(ilink.replyWindowMs === undefined ? {} : { replyWindowMs: ilink.replyWindowMs }),
    // Where the transport logs what needs the operator (a dead-lettered message).
    logger,
    ...overrides.ilink,
  });
  const storage =
    overrides.storage ?? config.storage ?? createJsonFileStorage({ dir: join(resolved.dataDir, 'storage') });
  return new Bot({
    transport,
    plugins: resolved.plugins,
    logger,
    storage,
    baseDir: resolved.dir,
    dataDir: resolved.dataDir,
    ...(config.runtime === undefined ? {} : { isolation: config.runtime }),
    ...(account.ownerCommands === undefined ? {} : { ownerCommands: account.ownerCommands }),
  });
}
