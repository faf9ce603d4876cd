import { defineConfig } from '@wxbot/core';

// A bot on WeChat's official bot API (iLink) instead of Web WeChat: the same autoreply plugin, unchanged.
// iLink bots answer people who wrote to them (direct chats only, within a day of their last message).
// Try it against the simulated iLink server: pnpm wxbot start --config examples/ilink-bot/bot.config.ts --simulator
export default defineConfig({
  account: { name: 'support', transport: 'ilink' },
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
