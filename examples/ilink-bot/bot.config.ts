import { defineConfig } from '@wxbot/core';

// Two accounts side by side, one plugin list: a Web WeChat account (rooms, friend requests, everything the
// Web protocol can do) and a bot on WeChat's official bot API (iLink), which answers people who wrote to it
// (direct chats only, within a day of their last message). The autoreply plugin runs unchanged on both.
// Try it against the simulators: pnpm wxbot start --config examples/ilink-bot/bot.config.ts --simulator
export default defineConfig({
  accounts: [{ name: 'main' }, { name: 'support', transport: 'ilink' }],
  plugins: [
    [
      'autoreply',
      {
        rules: [
          { exact: ['hi', 'hello', '你好'], reply: 'Hi! Ask me about the price.' },
          { keyword: ['price', '价格'], reply: 'The basic plan is ¥30/month.' },
        ],
        cooldown: { chatMs: 0, userMs: 0, maxPerUser: 30, windowMs: 60_000 },
      },
    ],
  ],
});
