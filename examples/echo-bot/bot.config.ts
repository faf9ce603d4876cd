import { defineConfig, definePlugin } from '@wxbot/core';

// The smallest useful bot: repeats every private text message back to its sender.
const echo = definePlugin({
  name: 'echo',
  setup(ctx) {
    ctx.privateChat().on('message:text', (m) => m.reply(m.text));
  },
});

export default defineConfig({
  plugins: [echo],
});
