// Everything the account can do, from a plugin: media, revoke, rooms, friends, read marks, and the
// lifecycle events. Each action is attributed to this plugin in the action log.
import { definePlugin, RecallWindowPassed, type SentMessage } from '@wxbot/core';

export default definePlugin({
  name: 'toolkit',
  setup(ctx) {
    // Save every image and file posted in one room ({ dir } never overwrites; the data dir is refused).
    ctx.inRoom('Family').on(['message:image', 'message:file'], async (m) => {
      const saved = await ctx.messages.download(m.message, { dir: '/srv/family-archive' });
      ctx.logger.info({ path: saved.path, bytes: saved.bytes }, 'archived');
    });

    // Anti-recall: re-post what someone took back (when the bot still remembers it).
    ctx.on('recall', async (r) => {
      if (r.original?.kind === 'text') await r.reply(`${r.recalledBy.name} recalled: ${r.original.text}`);
    });

    // "undo": revoke the bot's last message in this chat (only within 2 minutes).
    const last = new Map<string, SentMessage>();
    ctx.hears(/^ping$/, async (m) => {
      last.set(m.chat.userName, await m.reply('pong'));
    });
    ctx.hears(/^undo$/, async (m) => {
      const sent = last.get(m.chat.userName);
      if (sent === undefined) return;
      try {
        await ctx.messages.revoke(sent);
      } catch (err) {
        if (err instanceof RecallWindowPassed) await m.reply('Too late to take that back.');
        else throw err;
      }
    });

    // A room per customer, with a colleague; then mark the customer's chat read.
    ctx.privateChat().command('support', async (m) => {
      const room = await ctx.rooms.create([m.sender, 'Carol'], `Support: ${m.sender.name ?? 'customer'}`);
      await ctx.send(room, 'Carol will help you here.');
      await ctx.chats.markRead(m.chat);
    });

    // Add back people who greet the bot in a room (a friend request with a verify text).
    ctx.inRoom().hears(/^add me$/i, (m) => ctx.contacts.addFriend(m.sender, 'Hi, this is the group bot'));

    // Lifecycle: who is logged in, why a session ended, and when to slow down.
    ctx.on('login', (e) => {
      ctx.logger.info({ via: e.via }, `logged in as ${e.self.nickName}`);
    });
    ctx.on('logout', (e) => {
      ctx.logger.warn({ reason: e.reason, retcode: e.retcode }, 'session ended');
    });
    ctx.on('ban', (e) => {
      ctx.logger.error(`web login refused: ${e.serverMessage}`);
    });
    ctx.on('ban-risk', (e) => {
      ctx.logger.warn({ signal: e.signal, count: e.count }, e.detail);
    });
    ctx.on('room:bot-added', (j) => j.reply(`Hello ${j.chat.name ?? 'everyone'}! Say "help" to see what I do.`));
  },
});
