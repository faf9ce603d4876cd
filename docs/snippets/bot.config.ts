// bot.config.ts: the account, then the plugins in pipeline order.
import { defineConfig } from '@wxbot/core';

import greeter from './greeter.plugin.js';

export default defineConfig({
  account: { name: 'main', dataDir: '.wxbot' }, // keep .wxbot out of git: it holds the session cookies
  plugins: [
    [greeter, { greeting: 'Hi', remindIn: ['Team'] }],
    [
      'autoreply',
      {
        rules: [
          { keyword: ['price', '价格'], reply: 'The basic plan is ¥30/month.' },
          { regex: /^order (?<id>\d{4,})$/i, reply: 'Order $<id> is on its way.' },
        ],
        mentionOnly: true,
      },
    ],
    ['friend-accept', { keywords: ['wxbot'], welcome: 'Hi {nickname}!' }],
  ],
});
