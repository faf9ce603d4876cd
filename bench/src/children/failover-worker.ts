/**
 * One worker of the failover bench (`--only=failover`): a `Worker` of @wxbot/store-redis serving its share of
 * the simulator's accounts with the exported `Bot` runtime, answering `ping <n>` with `pong <n>`. The account's
 * session, journals, storage and send bucket are the worker's (Redis, fenced). Prints one line per event
 * (`started f12`, `qr f12 <uuid>`, `login f12 hot`) for the orchestrator; killed with SIGKILL.
 */
import { createBotFromConfig, createLogger, definePlugin, prepareConfig } from '@wxbot/core';
import { connectRedis, Worker } from '@wxbot/store-redis';

interface Args {
  redisUrl: string;
  root: string;
  id: string;
  ttlMs: number;
  loginUrl: string;
  mainUrl: string;
  accounts: string[];
  dataDir: string;
}

const args = JSON.parse(process.argv[2] ?? '') as Args;
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const pong = definePlugin({
  name: 'pong',
  setup(ctx) {
    ctx.on('message:text', async (m) => {
      const match = /^ping (\d+)$/.exec(m.text);
      if (match) await m.reply(`pong ${match[1]}`);
    });
  },
});

const resolved = await prepareConfig({
  config: { plugins: [pong], accounts: args.accounts.map((name) => ({ name, proxy: false as const })) },
  file: undefined,
  dir: args.dataDir,
});
const byName = new Map((resolved.accounts ?? []).map((a) => [a.name, a]));
const logger = createLogger({ level: 'silent' });
const redis = connectRedis(args.redisUrl);
const worker = new Worker({
  redis,
  root: args.root,
  id: args.id,
  accounts: args.accounts,
  leaseTtlMs: args.ttlMs,
  start: async (context) => {
    const account = byName.get(context.account)!;
    const bot = createBotFromConfig(account, {
      logger,
      storage: context.storage,
      client: {
        hosts: { login: args.loginUrl, main: args.mainUrl },
        qr: { terminal: false, pngPath: false },
        sessionStore: context.sessionStore,
        sharedBuckets: (cls, limits) => context.bucket(cls, limits),
        // Raised as in the latency bench: the default 1 text/s would measure the limiter, not the takeover.
        rateLimits: { text: { burst: 1000, perSecond: 1000 } },
        sendJitterMs: 0,
      },
    });
    bot.transport.on('qr', (e) => {
      say(`qr ${account.name} ${(e as { uuid?: string }).uuid ?? ''}`);
    });
    bot.transport.on('login', (e) => {
      say(`login ${account.name} ${e.via}`);
    });
    await bot.start();
    return { stop: () => bot.stop() };
  },
});
worker.on((e) => {
  say(`${e.type} ${e.account}`);
});
await worker.start();
say('ready');
