import { defineConfig } from '@wxbot/core';

import greeter from './plugins/greeter.js';

// A bot built from a local TypeScript plugin (which itself imports local TypeScript).
export default defineConfig({
  plugins: [[greeter, { style: 'formal', welcomeRooms: ['Family'] }]],
});
