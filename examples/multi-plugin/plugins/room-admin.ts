import { definePlugin } from '@wxbot/core';
import { z } from 'zod';

/** `/kick @name` and `/topic <new topic>` for the listed admins (stable ids). */
export default definePlugin({
  name: 'room-admin',
  options: z.object({ admins: z.array(z.string()).min(1) }),
  setup(ctx, { admins }) {
    const rooms = ctx.inRoom().filter((m) => m.type === 'message' && admins.includes(m.sender.stableId ?? ''));
    rooms.command('kick', async (m) => {
      const found = m.command.mentions.filter((x) => x.userName !== undefined);
      if (found.length === 0) {
        await m.reply('Usage: /kick @name');
        return;
      }
      await ctx.rooms.remove(
        m.chat,
        found.map((x) => x.userName!),
      );
      await m.reply(`Removed ${found.map((x) => x.name).join(', ')}.`);
    });
    rooms.command('topic', async (m) => {
      if (m.command.rest === '') return m.reply('Usage: /topic <new topic>');
      await ctx.rooms.setTopic(m.chat, m.command.rest);
    });
  },
});
