import { defineConfig } from '@wxbot/core';

import greeter from './plugins/greeter.js';

// A bot built from a local TypeScript plugin (which itself imports local TypeScript), and the official
// autoreply plugin with its rules in a file beside this config (relative paths resolve from here).
export default defineConfig({
  plugins: [
    [greeter, { style: 'formal', welcomeRooms: ['Family'] }],
    ['autoreply', { rulesFile: './replies.json' }],
  ],
});
