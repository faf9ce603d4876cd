// Example bot.config.ts for @wxbot/plugin-autoreply (quoted in the README; tested in test/example.test.ts).
// Try it: pnpm wxbot start --simulator --config packages/plugin-autoreply/examples/bot.config.ts
import { defineConfig } from '@wxbot/core';
import autoreply, { AutoreplyController } from '@wxbot/plugin-autoreply';

/** Reload from code with `await replies.reload()`. */
export const replies = new AutoreplyController();

export default defineConfig({
  plugins: [
    [
      autoreply,
      {
        rules: [
          { exact: ['hi', 'hello', '你好'], reply: ['Hi!', 'Hello!', '你好！'] },
          { keyword: ['price', '价格'], reply: 'The basic plan is ¥30/month.' },
          { regex: /^order (?<id>\d{4,})$/i, reply: 'Order $<id> is on its way.' },
          { keyword: 'time', reply: () => `It is ${new Date().toLocaleTimeString('en-GB')}.` },
          { keyword: 'rules', chats: 'rooms', mentionOnly: false, reply: 'Be kind; no ads.' },
        ],
        chats: 'all',
        mentionOnly: true, // in rooms, only when someone @-mentions the bot
        addressAsker: true, // "@Alice The basic plan is..."
        ignore: ['wxid_other_bot'],
        cooldown: { chatMs: 2_000, userMs: 10_000, maxPerUser: 5, windowMs: 600_000 },
        quietHours: { from: '23:00', to: '07:00' },
        mode: 'first',
        reloadCommand: 'reload-replies',
        admins: ['wxid_alice'],
        controller: replies,
      },
    ],
  ],
});
