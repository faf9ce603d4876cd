import { defineConfig } from '@wxbot/core';

import greeter from './plugins/greeter.js';

// A bot built from a local TypeScript plugin (which itself imports local TypeScript), and the official
// autoreply plugin with its rules in a file beside this config (relative paths resolve from here).
export default defineConfig({
  plugins: [
    [greeter, { style: 'formal', welcomeRooms: ['Family'] }],
    // No cooldown, so that every question in a demo gets its answer. The defaults (1 s per chat,
    // 5 s per person, 5 answers per person per 10 min) silently skip quick follow-ups: keep them
    // on a real account, where they stop reply loops and spam.
    [
      'autoreply',
      { rulesFile: './replies.json', cooldown: { chatMs: 0, userMs: 0, maxPerUser: 30, windowMs: 60_000 } },
    ],
  ],
});
