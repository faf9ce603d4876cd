// Example bot.config.ts for @wxbot/plugin-friend-accept (quoted in the README; tested in test/example.test.ts).
// Try it: pnpm wxbot start --simulator --config packages/plugin-friend-accept/examples/bot.config.ts
import { defineConfig } from '@wxbot/core';
import friendAccept from '@wxbot/plugin-friend-accept';

export default defineConfig({
  plugins: [
    [
      friendAccept,
      {
        keywords: ['github', 'wxbot'],
        regex: '^order-\\d{4,}$',
        flags: 'i',
        block: ['wxid_known_spammer'],
        blockKeywords: ['loan', '贷款'],
        dailyCap: 20,
        delayMs: { min: 10_000, max: 60_000 },
        welcome: ['Hi {nickname}, thanks for adding me!', 'Welcome, {nickname}!'],
        remark: '{nickname} (via wxbot)',
        rooms: ['测试群'],
        inviteAbove: 39,
        historyLimit: 1_000,
      },
    ],
  ],
});
