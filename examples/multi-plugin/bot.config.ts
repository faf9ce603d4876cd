import { defineConfig, definePlugin } from '@wxbot/core';

import friendGate from './plugins/friend-gate.js';
import roomAdmin from './plugins/room-admin.js';

const ping = definePlugin({
  name: 'ping',
  setup(ctx) {
    ctx.command('ping', (m) => m.reply('pong'));
  },
});

// Several plugins, in pipeline order: a path entry, plugin values with options,
// and a plugin switched on by an environment variable (falsy entries are skipped).
export default defineConfig({
  logging: { level: 'info' },
  runtime: { handlerTimeoutMs: 5_000, maxFailures: 5 },
  plugins: [
    './plugins/log-all.ts',
    [friendGate, { passPhrase: 'wxbot' }],
    [roomAdmin, { admins: ['wxid_alice'] }],
    process.env['WXBOT_NO_PING'] === undefined && ping,
  ],
});
