/**
 * wxbot under test: createClient + normaliser + PluginHost, glued the way the
 * Bot runtime (packages/core/src/bot, not yet exported when this was written)
 * glues them: normalise each incoming message, dispatch it through the
 * plugins in order within a chat, chats in parallel.
 */
import {
  ActionLog,
  FileSessionStore,
  MemorySessionStore,
  PluginHost,
  RecentMessageCache,
  createClient,
  createMemoryStorage,
  isChatMessage,
  normalizeMessage,
  type Bucket,
  type ClientInternals,
  type SessionStore,
  type WxClient,
} from '@wxbot/core';
import { pino, type Logger } from 'pino';

import { loadedPlugins } from '../plugins.js';

/** The send rate limiter as raised for the latency runs (defaults: text burst 5, 1/s, jitter 300 ms). */
export const RAISED_TEXT_BUCKET: Bucket = { burst: 100_000, perSecond: 100_000 };

export interface WxbotHarness {
  client: WxClient;
  host: PluginHost;
  actions: ActionLog;
  /** Logs in (the simulator auto-confirms), then starts the plugins. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface WxbotHarnessOptions {
  loginUrl: string;
  mainUrl: string;
  account?: string;
  dataDir: string;
  /** Plugins on (latency) or off (memory: the client alone plus an idle host). */
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

/** Builds (does not start) a client + plugin host pointed at a simulator. */
export function createWxbot(o: WxbotHarnessOptions): WxbotHarness {
  const logger = silentLogger();
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
      logger,
    },
    o.internals,
  );
  const actions = new ActionLog();
  const host = new PluginHost({ logger, storage: createMemoryStorage(), backend: client, log: actions });
  const recent = new RecentMessageCache();
  const chains = new Map<string, Promise<void>>();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  client.setMessageHandler(async (incoming) => {
    await started;
    const { message, events } = normalizeMessage(incoming.raw, { directory: client.contacts, recent });
    if (!isChatMessage(message)) return;
    const key = message.chat.userName;
    const run = (chains.get(key) ?? Promise.resolve()).then(async () => {
      await host.dispatch({ kind: 'message', message, sentByBot: incoming.sentByBot });
      if (!incoming.sentByBot) for (const event of events) await host.dispatch({ kind: 'event', event });
    });
    const tail = run.catch(() => undefined);
    chains.set(key, tail);
    await tail;
    if (chains.get(key) === tail) chains.delete(key);
  });
  return {
    client,
    host,
    actions,
    async start() {
      await client.start();
      await host.start(o.plugins === false ? [] : loadedPlugins());
      ready();
    },
    async stop() {
      ready();
      await client.stop();
      await host.stop();
    },
  };
}
