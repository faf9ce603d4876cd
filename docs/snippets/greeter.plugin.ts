// A complete plugin: options with defaults, a command, a filter that narrows, storage and a schedule.
import { definePlugin } from '@wxbot/core';
import { z } from 'zod';

export default definePlugin({
  name: 'greeter',
  description: 'Greets people, counts greetings, and saves every image it is sent.',
  options: z
    .object({
      greeting: z.string().default('Hello'),
      /** Rooms (by topic) where the daily reminder is posted. */
      remindIn: z.array(z.string()).default([]),
    })
    .prefault({}), // every field has a default, so `plugins: ['greeter']` needs no options
  setup(ctx, { greeting, remindIn }) {
    // `hears` matches text (a string matches the whole trimmed text; a RegExp anywhere).
    ctx.hears(/^(hi|hello)\b/i, async (m) => {
      const count = ((await ctx.storage.get<number>('greetings')) ?? 0) + 1;
      await ctx.storage.set('greetings', count);
      await m.reply(`${greeting}, ${m.sender.name ?? 'friend'}!`);
    });

    // `/greetings` in any chat; `m.command.args` holds the arguments.
    ctx.command('greetings', async (m) => {
      const count = (await ctx.storage.get<number>('greetings')) ?? 0;
      await m.reply(`I have greeted ${count} time(s).`);
    });

    // A filter query narrows the context: `m.message` is an ImageMessage here.
    ctx.on('message:image', (m) => {
      ctx.logger.info({ from: m.sender.name, bytes: m.message.sizeBytes }, 'image received');
    });

    // Jobs are cancelled when the plugin stops; failures are isolated like handler failures.
    ctx.schedule({ daily: '09:00', timeZone: 'Asia/Shanghai' }, async () => {
      for (const topic of remindIn) await ctx.send(topic, 'Good morning! Stand-up in 15 minutes.');
    });
  },
});
