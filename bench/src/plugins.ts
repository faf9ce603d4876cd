/**
 * The 10-plugin config every bench runs. Each plugin does the kind of small
 * per-message work real plugins do (filters, counters, regex matches,
 * command parsing); exactly one of them (`bench-pong`) replies, and only to
 * `ping <n>`, with `pong <n>` — the latency benches match on that number.
 */
import { definePlugin, type LoadedPlugin, type Plugin } from '@wxbot/core';

const metrics = definePlugin({
  name: 'bench-metrics',
  setup(ctx) {
    let seen = 0;
    ctx.use(async (m, next) => {
      seen++;
      m.state['seen'] = seen;
      await next();
    });
  },
});

const logger = definePlugin({
  name: 'bench-logger',
  setup(ctx) {
    ctx.on('message', async (m, next) => {
      ctx.logger.trace({ chat: m.chat.userName, kind: m.message.kind }, 'message');
      await next();
    });
  },
});

const antispam = definePlugin({
  name: 'bench-antispam',
  setup(ctx) {
    const perSender = new Map<string, number>();
    ctx.on('message:text', async (m, next) => {
      const n = (perSender.get(m.sender.userName) ?? 0) + 1;
      perSender.set(m.sender.userName, n);
      if (perSender.size > 10_000) perSender.clear();
      if (m.text.length > 5_000) return; // swallow floods
      await next();
    });
  },
});

const help = definePlugin({
  name: 'bench-help',
  setup(ctx) {
    ctx.command(['help', 'start'], (m) => m.reply('commands: /help /weather /kick'));
  },
});

const keywords = definePlugin({
  name: 'bench-keywords',
  setup(ctx) {
    ctx.hears([/天气|weather/i, '你好'], (m) => m.reply('☀️'));
  },
});

const roomAdmin = definePlugin({
  name: 'bench-room-admin',
  setup(ctx) {
    ctx.inRoom().command('kick', async (m) => {
      const target = m.command.mentions[0]?.userName;
      if (target !== undefined) await m.reply(`would kick ${target}`);
    });
  },
});

const mentions = definePlugin({
  name: 'bench-mentions',
  setup(ctx) {
    ctx.mentioned().on('message:text', async (m, next) => {
      m.state['mentioned'] = true;
      await next();
    });
  },
});

const media = definePlugin({
  name: 'bench-media',
  setup(ctx) {
    let count = 0;
    ctx.on(
      ['message:image', 'message:file', 'message:link', 'message:emoticon', 'message:location'],
      async (_m, next) => {
        count++;
        await next();
      },
    );
    ctx.onDispose(() => ctx.logger.trace({ count }, 'media seen'));
  },
});

const privateOnly = definePlugin({
  name: 'bench-private',
  setup(ctx) {
    ctx.privateChat().hears(/^echo (.+)$/s, (m) => m.reply(m.match[1]!));
  },
});

const pong = definePlugin({
  name: 'bench-pong',
  setup(ctx) {
    ctx.hears(/ping (\d+)$/, (m) => m.reply(`pong ${m.match[1]!}`));
  },
});

export const BENCH_PLUGINS: readonly Plugin<unknown, unknown>[] = [
  metrics,
  logger,
  antispam,
  help,
  keywords,
  roomAdmin,
  mentions,
  media,
  privateOnly,
  pong,
] as Plugin<unknown, unknown>[];

export function loadedPlugins(): LoadedPlugin[] {
  // BENCH_PLUGINS=pong: only the replying plugin (what the ten plugins cost, beside the default).
  const only = process.env['BENCH_PLUGINS'] === 'pong' ? [pong as Plugin<unknown, unknown>] : BENCH_PLUGINS;
  return only.map((plugin) => ({ plugin, options: undefined }));
}

/** `pong 123` → 123 (undefined for anything else, e.g. other plugins' replies). */
export function pongNumber(content: string | undefined): number | undefined {
  const m = /^pong (\d+)$/.exec(content ?? '');
  return m ? Number(m[1]) : undefined;
}
