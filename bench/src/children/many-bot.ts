/**
 * Bot process of the many-accounts and store-latency benches: the multi-account runtime of `wxbot start`
 * (`prepareConfig` with `accounts: [...]`, an `AccountSupervisor`, `createBotFromConfig` per account, the
 * 10-plugin bench config) against a multi-account simulator in another process. Accounts log in by QR code
 * in batches (one supervisor per batch); this process confirms each QR code on the account's simulated phone
 * through the simulator's control API, as an operator would. State is the embedded default (JSON files under
 * a data dir per account) or Redis (`redisStores`, one shared connection, no lease: a single bot's setup).
 */
// First, as `wxbot start` does before loading anything big: V8's young generation capped.
import './cap-young-generation.js';

import { MANY_ACCOUNTS, releaseYoungGeneration } from '@wxbot/core/runtime';

import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import {
  AccountSupervisor,
  createBotFromConfig,
  createLogger,
  prepareConfig,
  type Bot,
  type ResolvedAccount,
} from '@wxbot/core';
import { connectRedis, redisStores } from '@wxbot/store-redis';

import { serve, type IpcMessage } from '../ipc.js';
import { memorySnapshot } from '../memory.js';
import { BENCH_PLUGINS } from '../plugins.js';

export interface ManyBotLogin {
  accounts: string[];
  loginUrl: string;
  mainUrl: string;
  controlUrl: string;
  dataDir: string;
  /** Accounts logging in at once. */
  batch: number;
  store: 'file' | 'redis';
  redisUrl?: string;
  /** Key root for the Redis store (unique per run; the orchestrator deletes it). */
  redisRoot?: string;
}

const logger = createLogger({ level: 'silent' });
/** How late this process's event loop runs (GC pauses and long tasks show here), since the last `loop-reset`. */
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const supervisors: AccountSupervisor[] = [];
let redis: ReturnType<typeof connectRedis> | undefined;

/** The account's phone confirms its bot's QR code (control API: `/__sim/accounts/<id>/login/confirm`). */
function confirm(controlUrl: string, account: string, uuid: string): Promise<void> {
  const body = JSON.stringify({ uuid });
  return new Promise((resolve, reject) => {
    const req = request(
      `${controlUrl}/accounts/${encodeURIComponent(account)}/login/confirm`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () =>
          (res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`confirm ${account}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function login(o: ManyBotLogin): Promise<{ loginMs: number; running: number; failed: string[] }> {
  const started = performance.now();
  const resolved = await prepareConfig({
    config: {
      plugins: [...BENCH_PLUGINS],
      // Raised as in the latency and failover benches: the default 1 text/s per account would measure the limiter.
      rateLimits: { text: { burst: 1000, perSecond: 1000 } },
      accounts: o.accounts.map((name) => ({
        name,
        proxy: false as const,
        loginMode: 'qr' as const,
        qr: { terminal: false, pngPath: false as const },
        hosts: { login: o.loginUrl, main: o.mainUrl },
      })),
    },
    file: undefined,
    dir: o.dataDir,
  });
  if (o.store === 'redis' && redis === undefined) redis = connectRedis(o.redisUrl);
  const createBot = (account: ResolvedAccount, log: typeof logger): Bot => {
    const stores =
      o.store === 'redis' ? redisStores({ account: account.name, redis: redis!, root: o.redisRoot! }) : undefined;
    const bot = createBotFromConfig(account, {
      logger: log,
      ...(stores === undefined ? {} : { storage: stores.storage }),
      client: {
        logger,
        // As in the latency bench: no human-like send delay (it would be most of the figure).
        sendJitterMs: 0,
        ...(stores === undefined ? {} : { sessionStore: stores.sessionStore }),
      },
    });
    bot.transport.on('qr', (e) => {
      const uuid = (e as { uuid?: string }).uuid ?? '';
      confirm(o.controlUrl, account.name, uuid).catch((err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      });
    });
    return bot;
  };
  const all = resolved.accounts ?? [];
  let running = 0;
  const failed: string[] = [];
  for (let i = 0; i < all.length; i += o.batch) {
    const supervisor = new AccountSupervisor({ accounts: all.slice(i, i + o.batch), logger, createBot });
    supervisors.push(supervisor);
    for (const s of await supervisor.start()) {
      if (s.state === 'running') running++;
      else failed.push(`${s.name}: ${s.error ?? s.state}`);
    }
  }
  return { loginMs: performance.now() - started, running, failed };
}

serve(
  async (m: IpcMessage) => {
    switch (m.type) {
      case 'login': {
        const spec = m['spec'] as ManyBotLogin;
        // As `wxbot start` does for a config of that many accounts (runtime/young-generation.ts).
        if (spec.accounts.length >= MANY_ACCOUNTS) releaseYoungGeneration();
        return await login(spec);
      }
      case 'memory':
        return { memory: await memorySnapshot() };
      case 'loop-reset':
        loop.reset();
        return {};
      case 'loop':
        return { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
      default:
        throw new Error(`many-bot child: unknown request ${m.type}`);
    }
  },
  async () => {
    await Promise.all(supervisors.map((s) => s.stop()));
    await redis?.quit().catch(() => undefined);
  },
);
