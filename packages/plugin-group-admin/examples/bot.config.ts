// Example bot.config.ts for @wxbot/plugin-group-admin (quoted in the README; tested in test/example.test.ts).
// Try it: pnpm wxbot start --simulator --config packages/plugin-group-admin/examples/bot.config.ts
import { defineConfig } from '@wxbot/core';
import groupAdmin from '@wxbot/plugin-group-admin';

export default defineConfig({
  plugins: [
    [
      groupAdmin,
      {
        // Stable ids, or remark names YOU set in your contacts. Never nick names: anyone can copy those.
        admins: ['wxid_alice', 'Carol'],
        rooms: ['1000000001@chatroom'], // stable ids survive renames; a topic stops matching after /topic
        prefix: '/',
        commands: ['kick', 'topic', 'invite', 'warn', 'help', 'pin', 'unpin', 'remark'],
        welcome: 'Welcome {names} to {room}! Please read the pinned rules.',
        farewell: 'Goodbye {names}.',
        antiSpam: {
          links: true,
          allowDomains: ['github.com'],
          keywords: ['casino', '代开发票'],
          flood: { max: 8, windowMs: 10_000 },
          kickAfter: 3,
        },
        inviteAbove: 39,
        failureReportMs: 600_000,
        refusalCooldownMs: 60_000,
      },
    ],
  ],
});
