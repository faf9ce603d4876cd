import type { Logger } from 'pino';

import type { Bot } from '../bot/bot.js';
import { createBotFromConfig, type CreateBotOverrides } from '../bot/create.js';
import type { ResolvedAccount } from '../config/accounts.js';
import type { ResolvedConfig } from '../config/prepare.js';
import type { ActionClass, Bucket, SharedBucket } from '../client/types.js';
import type { SessionStore } from '../session/types.js';
import type { StorageDriver } from '../storage/types.js';
import { errorMessage } from '../util/error-message.js';
import { MANY_ACCOUNTS, releaseYoungGeneration } from '../runtime/young-generation.js';
import { humanOut, untilStopped, type CliIo } from './io.js';
import { loadOrReport, type RunFlags } from './load-config.js';

/**
 * The parts of @wxbot/store-redis the CLI uses, typed here: core never imports
 * it statically (it is an optional package that itself depends on core).
 */
export interface WorkerAccountContext {
  readonly account: string;
  readonly worker: string;
  readonly sessionStore: SessionStore;
  readonly storage: StorageDriver;
  bucket(name: string, limits: Bucket): SharedBucket;
  touch(): void;
}

interface RedisClient {
  quit(): Promise<unknown>;
  disconnect(): void;
}

interface WorkerLike {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  on(listener: (event: { type: string; account: string; error?: string }) => void): () => void;
}

/** What `wxbot worker` and `wxbot accounts` need of @wxbot/store-redis. */
export interface StoreRedisModule {
  Worker: new (options: {
    redis: RedisClient;
    accounts: readonly string[];
    start: (context: WorkerAccountContext) => Promise<{ stop(): Promise<void> }>;
    capacity?: number;
    id?: string;
    root?: string;
    leaseTtlMs?: number;
  }) => WorkerLike;
  listAccounts(
    redis: RedisClient,
    root?: string,
  ): Promise<
    {
      account: string;
      owner: string | undefined;
      leaseTtlMs: number | undefined;
      fence: number;
      state: string | undefined;
      lastActivity: number | undefined;
      error: string | undefined;
    }[]
  >;
  connectRedis(url: string): RedisClient;
}

export const STORE_REDIS_MISSING =
  'this command needs @wxbot/store-redis: install @wxbot/store-redis (npm install @wxbot/store-redis)';

/** Imports @wxbot/store-redis at run time; a clear error names the package when it is not installed. */
// A name in a variable: TypeScript and bundlers leave the import to run time (no static dependency).
const STORE_REDIS: string = '@wxbot/store-redis';

export async function loadStoreRedis(
  load: () => Promise<unknown> = () => import(STORE_REDIS),
): Promise<StoreRedisModule> {
  try {
    return (await load()) as StoreRedisModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      errorMessage(error).includes('@wxbot/store-redis')
    ) {
      throw new Error(STORE_REDIS_MISSING);
    }
    throw error;
  }
}

/**
 * Starts one account of the pool as a bot whose session, journals, plugin
 * storage and send limits are the worker's (in Redis, fenced by the lease):
 * it resumes from the stored session by hot login when there is one.
 */
export function botStarter(
  accounts: readonly ResolvedAccount[],
  options: {
    logger: Logger;
    client?: CreateBotOverrides['client'];
    clientInternals?: CreateBotOverrides['clientInternals'];
    /** Told of each bot built (before it starts): tests and the CLI watch its QR codes. */
    onBot?: (bot: Bot, account: ResolvedAccount) => void;
  },
): (context: WorkerAccountContext) => Promise<{ stop(): Promise<void> }> {
  const byName = new Map(accounts.map((a) => [a.name, a]));
  return async (context) => {
    const account = byName.get(context.account);
    if (account === undefined) throw new Error(`account "${context.account}" is not in this worker's config`);
    const logger = options.logger.child({ account: account.name });
    const bot = createBotFromConfig(account, {
      logger,
      storage: context.storage,
      client: {
        logger: options.logger,
        ...options.client,
        sessionStore: context.sessionStore,
        sharedBuckets: (cls: ActionClass, limits: Bucket) => context.bucket(cls, limits),
      },
      ...(options.clientInternals === undefined ? {} : { clientInternals: options.clientInternals }),
    });
    options.onBot?.(bot, account);
    const unsubscribe = bot.actions.subscribe(() => {
      context.touch();
    });
    try {
      await bot.start();
    } catch (error) {
      unsubscribe();
      await bot.stop().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        unsubscribe();
        await bot.stop();
      },
    };
  };
}

export interface WorkerFlags extends RunFlags {
  readonly redis?: string;
  readonly capacity?: string;
  readonly id?: string;
  readonly root?: string;
}

/** `wxbot worker`: serves its share of the config's accounts until SIGINT/SIGTERM. */
export async function runWorker(io: CliIo, flags: WorkerFlags): Promise<number> {
  const capacity = flags.capacity === undefined ? undefined : Number(flags.capacity);
  if (capacity !== undefined && !(Number.isInteger(capacity) && capacity >= 1)) {
    io.stderr.write(
      `wxbot worker: --capacity must be a whole number of accounts, at least 1 (got "${flags.capacity}")\n`,
    );
    return 2;
  }
  const resolved: ResolvedConfig | undefined = await loadOrReport(io, flags, false, 'worker');
  if (resolved === undefined) return 1;
  // A single-account config is a pool of one: a second worker stands by to take it over.
  const accounts: readonly ResolvedAccount[] = resolved.accounts ?? [
    {
      name: resolved.config.account?.name ?? 'default',
      transport: 'web',
      config: resolved.config,
      file: resolved.file,
      dir: resolved.dir,
      dataDir: resolved.dataDir,
      plugins: resolved.plugins,
    },
  ];
  const module = await loadStoreRedis();
  const { createLogger } = await import('../bot/logger.js');
  const logger = createLogger(resolved.config.logging, io.stdout);
  // As in a many-account `wxbot start`: a worker that may hold many accounts lets the young generation grow.
  if (Math.min(accounts.length, capacity ?? Infinity) >= MANY_ACCOUNTS && releaseYoungGeneration())
    logger.info(
      `up to ${Math.min(accounts.length, capacity ?? Infinity)} accounts: V8's young generation may grow again`,
    );
  const url = flags.redis ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const redis = module.connectRedis(url);
  const out = humanOut(io);
  // Adding an account takes one scan: the worker that takes a never-logged-in account says where its QR code is.
  const onBot = (bot: Bot, account: ResolvedAccount): void => {
    bot.transport.on('qr', (e: { pngPath?: string }) => {
      const what = e.pngPath === undefined ? 'the QR code above' : e.pngPath;
      out.write(`[${account.name}] scan ${what} with the phone of account ${account.name}\n`);
    });
  };
  const worker = new module.Worker({
    redis,
    accounts: accounts.map((a) => a.name),
    start: botStarter(accounts, { logger, onBot }),
    ...(capacity === undefined ? {} : { capacity }),
    ...(flags.id === undefined ? {} : { id: flags.id }),
    ...(flags.root === undefined ? {} : { root: flags.root }),
  });
  worker.on((e) => {
    out.write(`worker ${worker.id}: ${e.account} ${e.type}${e.error === undefined ? '' : `: ${e.error}`}\n`);
  });
  const stopped = untilStopped(io.signal);
  try {
    await worker.start();
    out.write(`worker ${worker.id} joined the pool of ${accounts.length} account(s) at ${redactUrl(url)}\n`);
    await stopped;
  } finally {
    await worker.stop();
    await redis.quit().catch(() => {
      redis.disconnect();
    });
  }
  return 0;
}

/** A Redis URL without its password, for the log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
