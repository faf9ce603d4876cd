import { definePlugin } from '@wxbot/core';
import { z } from 'zod';

import { greeting } from './format.js';

/** Greets people who say hi, welcomes newcomers to rooms, and counts greetings in its storage. */
export default definePlugin({
  name: 'greeter',
  description: 'Says hello back and welcomes people who join rooms.',
  options: z.object({
    style: z.enum(['friendly', 'formal']).default('friendly'),
    /** Rooms to welcome newcomers in (topics); empty = all. */
    welcomeRooms: z.array(z.string()).default([]),
  }),
  setup(ctx, { style, welcomeRooms }) {
    ctx.hears(/^(hi|hello|你好)\b/i, async (m) => {
      const count = ((await ctx.storage.get<number>('greetings')) ?? 0) + 1;
      await ctx.storage.set('greetings', count);
      await m.reply(greeting(m.sender.name, style));
    });
    ctx.command('greetings', async (m) => {
      await m.reply(`I have greeted ${(await ctx.storage.get<number>('greetings')) ?? 0} time(s).`);
    });
    ctx.on('room:join', async (j, next) => {
      if (welcomeRooms.length === 0 || welcomeRooms.includes(j.chat.name ?? '')) {
        await j.reply(`Welcome, ${j.invitees.map((p) => p.name).join(', ')}!`);
      }
      await next();
    });
  },
});
