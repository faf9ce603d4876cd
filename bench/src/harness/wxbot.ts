/**
 * wxbot under test: the exported `Bot` runtime (client + normaliser + plugin
 * host, exactly what `wxbot start` runs) over `createClient`, pointed at a
 * simulator, with the send rate limiter raised.
 */
import {
  Bot,
  FileSessionStore,
  createLogger,
  MemorySessionStore,
  createMemoryStorage,
  webTransport,
  type Bucket,
  type SessionStore,
  type WxClient,
} from '@wxbot/core';
import { createClient, type ClientInternals } from '@wxbot/core/client';
import { pino, type Logger } from 'pino';

import { loadedPlugins } from '../plugins.js';

/** The send rate limiter as raised for the latency runs (defaults: text burst 5, 1/s, jitter 300 ms). */
export const RAISED_TEXT_BUCKET: Bucket = { burst: 100_000, perSecond: 100_000 };

export interface WxbotHarness {
  client: WxClient;
  bot: Bot;
  /** Logs in (the simulator auto-confirms), then starts the plugins. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface WxbotHarnessOptions {
  loginUrl: string;
  mainUrl: string;
  account?: string;
  dataDir: string;
  /** The 10-plugin config (default, what latency and memory measure) or none (the client alone). */
  plugins?: boolean;
  internals?: ClientInternals;
  /**
   * Session/journal store: 'file' is the default a real bot gets (atomic JSON
   * files under dataDir); 'memory' is core's MemorySessionStore (JSON in a
   * Map); 'discard' keeps references without serialising — not durable, an
   * experiment that shows what the journal writes cost.
   */
  store?: StoreKind;
}

export type StoreKind = 'file' | 'memory' | 'discard';

/** Keeps the last value per key by reference: what a free journal would cost (nothing). */
class DiscardStore implements SessionStore {
  readonly #docs = new Map<string, unknown>();
  async get(key: string): Promise<unknown> {
    return this.#docs.get(key);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.#docs.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.#docs.delete(key);
  }
}

export function createStore(kind: StoreKind, dataDir: string): SessionStore {
  if (kind === 'file') return new FileSessionStore(dataDir);
  if (kind === 'memory') return new MemorySessionStore();
  return new DiscardStore();
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

let processLogger: Logger | undefined;

/**
 * The process's root logger, as `wxbot start` builds it (core's `createLogger`: secrets censored), silent.
 * Shared by every account in the process, as the multi-account runtime shares its root: the client
 * gets the root, the `Bot` `root.child({ account })` (see core's `configuredBot`).
 */
function rootLogger(): Logger {
  processLogger ??= createLogger({ level: 'silent', pretty: false });
  return processLogger;
}

/** Builds (does not start) a bot pointed at a simulator. */
export function createWxbot(o: WxbotHarnessOptions): WxbotHarness {
  const root = rootLogger();
  const logger = root.child({ account: o.account ?? 'bench' });
  const client = createClient(
    {
      dataDir: o.dataDir,
      account: o.account ?? 'bench',
      sessionStore: createStore(o.store ?? 'file', o.dataDir),
      hosts: { login: o.loginUrl, main: o.mainUrl },
      qr: { terminal: false, pngPath: false },
      sendJitterMs: 0,
      rateLimits: { text: RAISED_TEXT_BUCKET },
      recovery: { keepAliveMs: 0 },
      logger: root,
    },
    o.internals,
  );
  const bot = new Bot({
    transport: webTransport(client),
    plugins: o.plugins === false ? [] : loadedPlugins(),
    logger,
    storage: createMemoryStorage(),
  });
  return {
    client,
    bot,
    async start() {
      await bot.start();
    },
    async stop() {
      await bot.stop();
    },
  };
}
