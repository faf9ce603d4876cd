// The example bot this repository runs: `pnpm wxbot start --simulator`.
// It runs the three official plugins by their shorthand names (resolved to
// @wxbot/plugin-*), with timings shortened so a newcomer sees results at once.
// examples/root-config.test.ts runs it against the simulator.
import { defineConfig, definePlugin } from '@wxbot/core';

const ping = definePlugin({
  name: 'ping',
  setup(ctx) {
    ctx.command('ping', (m) => m.reply('pong'));
    ctx.command('help', (m) =>
      m.reply(
        'Try: hi, "price", "order 1234", /ping. In 测试群, @Bot price; Alice (an admin) can /kick @name, /topic <name>, /warn @name.',
      ),
    );
  },
});

export default defineConfig({
  account: { name: 'main', dataDir: '.wxbot' },
  plugins: [
    ping,
    [
      'autoreply',
      {
        rules: [
          {
            exact: ['hi', 'hello', '你好'],
            reply: ['Hi! Send /help to see what I can do.', '你好！发送 /help 看看我能做什么。'],
          },
          { keyword: ['price', '价格'], reply: 'The basic plan is ¥30/month.' },
          { regex: /^order (?<id>\d{4,})$/i, reply: 'Order $<id> is on its way.' },
        ],
        mentionOnly: true, // in rooms, answer only when someone @-mentions the bot
        addressAsker: true,
        // Demo settings: every message gets its answer, however fast you type. The defaults
        // (1 s per chat, 5 s per person, 5 answers per person per 10 min) silently skip
        // quick follow-ups; keep them on a real account, where they stop reply loops and spam.
        cooldown: { chatMs: 0, userMs: 0, maxPerUser: 30, windowMs: 60_000 },
      },
    ],
    [
      'friend-accept',
      {
        keywords: ['wxbot', 'github'],
        blockKeywords: ['loan', '贷款'],
        dailyCap: 50,
        delayMs: { min: 300, max: 1_000 }, // real accounts: keep the default 10–60 s
        welcome: 'Hi {nickname}, thanks for adding me! Send /help.',
        remark: '{nickname} (via wxbot)',
      },
    ],
    [
      'group-admin',
      {
        admins: ['wxid_alice'], // stable ids or remark names you set; never nick names
        welcome: 'Welcome {names} to {room}!',
        antiSpam: { links: true, allowDomains: ['github.com'], flood: { max: 8, windowMs: 10_000 }, kickAfter: 3 },
      },
    ],
  ],
});
