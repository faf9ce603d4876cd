// The example bot this repository runs (`pnpm wxbot start --simulator`).
// It reuses the plugins of examples/; official plugins can be added here by
// package name once they exist (e.g. ['autoreply', { ... }]).
import { defineConfig, definePlugin } from '@wxbot/core';

import greeter from './examples/local-plugin/plugins/greeter.js';
import friendGate from './examples/multi-plugin/plugins/friend-gate.js';
import roomAdmin from './examples/multi-plugin/plugins/room-admin.js';

const ping = definePlugin({
  name: 'ping',
  setup(ctx) {
    ctx.command('ping', (m) => m.reply('pong'));
    ctx.command('help', (m) =>
      m.reply('Try: hi, /ping, /greetings; in a room, Alice can /kick @name and /topic <name>.'),
    );
  },
});

export default defineConfig({
  account: { name: 'main', dataDir: '.wxbot' },
  plugins: [ping, [greeter, {}], [friendGate, { passPhrase: 'wxbot' }], [roomAdmin, { admins: ['wxid_alice'] }]],
});
