import { z } from 'zod';

import { ConfigError } from '../../src/config/errors.js';
import { definePlugin } from '../../src/plugin/define.js';
import { createTestBot, TestBotAssertionError, type TestBot } from '../../src/testing/index.js';

const echo = definePlugin({
  name: 'echo',
  setup(ctx) {
    ctx.on('message:text', (m) => m.reply(`echo: ${m.text}`));
  },
});

const admin = definePlugin({
  name: 'admin',
  options: z.object({ admins: z.array(z.string()) }),
  setup(ctx, { admins }) {
    ctx.on('friend:request', (r) => r.accept());
    ctx.inRoom().command('kick', async (m, next) => {
      if (!admins.includes(m.sender.stableId ?? '')) return next();
      const targets = m.command.mentions.flatMap((x) => (x.userName === undefined ? [] : [x.userName]));
      await ctx.rooms.remove(m.chat, targets);
      await m.reply(`removed ${m.command.mentions.map((x) => x.name).join(', ')}`);
    });
    ctx.command('topic', (m) => ctx.rooms.setTopic(m.chat, m.command.args.join(' ')));
    ctx.on('room:join', (j) => j.reply(`welcome ${j.invitees.map((p) => p.name).join(', ')}`));
  },
});

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

test('replies to a private message, recorded with the plugin that caused it', async () => {
  bot = await createTestBot({ plugins: [echo] });
  const caused = await bot.receive('hello', { from: 'Alice' });
  expect(caused).toMatchObject([
    { action: 'send', plugin: 'echo', content: { type: 'text', text: 'echo: hello' }, status: 'done' },
  ]);
  bot.expectReply('Alice', 'echo: hello');
  bot.expectReply('wxid_alice', /^echo/);
  expect(bot.wireActions().filter((a) => a.endpoint === 'webwxsendmsg')).toMatchObject([
    { to: 'wxid_alice', content: 'echo: hello' },
  ]);
});

test('does not answer its own messages (no echo loop)', async () => {
  bot = await createTestBot({ plugins: [echo] });
  await bot.receive('one', { from: 'Bob' });
  await bot.receive('two', { from: 'Bob' });
  expect(bot.replies()).toEqual(['echo: one', 'echo: two']);
});

test('room commands, friend requests and room events', async () => {
  bot = await createTestBot({ plugins: [[admin, { admins: ['wxid_alice'] }]] });
  await bot.receive('/kick @Bob\u2005spam', { from: 'Alice', room: '测试群' });
  bot.expectRemoved('测试群', 'Bob');
  bot.expectReply('测试群', 'removed Bob');

  const before = bot.actions().length;
  await bot.receive('/kick @Alice\u2005', { from: 'Erin', room: '测试群' }); // not an admin
  bot.expectNoActions(before);

  await bot.friendRequest('Zoe', 'hi, I am Zoe');
  bot.expectAccepted('Zoe');

  await bot.receive('/topic Book club', { from: 'Alice', room: 'Family' });
  bot.expectTopic('Family', 'Book club');

  await bot.roomJoin('测试群', 'Carol', 'Alice');
  bot.expectReply('测试群', /^welcome /);
});

test('failed expectations say what was expected and what the bot did', async () => {
  bot = await createTestBot({ plugins: [echo] });
  await bot.receive('hi', { from: 'Alice' });
  expect(() => bot!.expectReply('Alice', 'bye')).toThrow(TestBotAssertionError);
  expect(() => bot!.expectReply('Alice', 'bye')).toThrow(
    'expected the bot to send "bye" to Alice, but the bot did:\n  - send → Alice: "echo: hi" (by echo)',
  );
  expect(() => bot!.expectAccepted('Bob')).toThrow(/expected the bot to accept a friend request from Bob/);
  expect(() => bot!.expectNoActions()).toThrow(/expected the bot to do nothing/);
  await expect(bot.receive('x', { from: 'Nobody' })).rejects.toThrow(/nobody called "Nobody" in the world/);
});

test('a small action log drops the oldest records; expectNoActions(actionCount()) still works', async () => {
  const picky = definePlugin({
    name: 'picky',
    setup(ctx) {
      ctx.on('message:text', (m) => (m.text.startsWith('shh') ? undefined : m.reply(`ok: ${m.text}`)));
    },
  });
  bot = await createTestBot({ plugins: [picky], actionLogLimit: 2 });
  for (const text of ['one', 'two', 'three']) await bot.receive(text, { from: 'Bob' });
  expect(bot.replies()).toEqual(['ok: two', 'ok: three']);
  expect(bot.actions().map((a) => a.seq)).toEqual([2, 3]);
  expect(bot.actionCount()).toBe(3);

  const mark = bot.actionCount();
  await bot.receive('shh', { from: 'Bob' });
  bot.expectNoActions(mark);
  await bot.receive('four', { from: 'Bob' });
  expect(() => bot!.expectNoActions(mark)).toThrow(/expected the bot to do nothing/);
  expect(bot.actions().map((a) => a.seq)).toEqual([3, 4]);
  await expect(createTestBot({ plugins: [picky], actionLogLimit: 0 })).rejects.toThrow(/ActionLog limit/);
});

test('a crashing plugin does not stop the bot', async () => {
  const crash = definePlugin({
    name: 'crash',
    setup(ctx) {
      ctx.use(() => {
        throw new Error('kaboom');
      });
    },
  });
  bot = await createTestBot({ plugins: [crash, echo] });
  await bot.receive('still there?', { from: 'Alice' });
  bot.expectReply('Alice', 'echo: still there?');
});

test('plugin options are validated like in bot.config.ts', async () => {
  await expect(createTestBot({ plugins: [[admin, { admins: [1] }]] })).rejects.toThrow(ConfigError);
  await expect(createTestBot({ plugins: [[admin, { admins: [1] }]] })).rejects.toThrow(
    /plugins\[0\] \(admin\)\.admins\[0\]: .*expected string/,
  );
});

describe('room events', () => {
  const watcher = definePlugin({
    name: 'watcher',
    setup(ctx) {
      ctx.on('room:join', (j) => j.reply(`welcome ${j.invitees.map((p) => p.name).join(', ')}`));
      ctx.on('room:topic', (t) => t.reply(`topic is now ${t.topic}`));
      ctx.command('who', (m) => {
        const name = m.command.args.join(' ');
        return m.reply(`${name}: ${ctx.contacts.get(name)?.nickName ?? 'unknown'}`);
      });
    },
  });

  test('roomLeave resolves once the roster change reaches the bot’s contacts (no system message comes)', async () => {
    bot = await createTestBot({ plugins: [watcher] });
    const contacts = bot.bot.transport.client.contacts;
    const room = bot.sim.userNameOf('1000000001@chatroom');
    const bob = bot.sim.userNameOf('wxid_bob');
    expect(contacts.members(room).has(bob)).toBe(true);
    await expect(bot.roomLeave('测试群', 'Bob')).resolves.toEqual([]);
    expect(contacts.members(room).has(bob)).toBe(false);
    expect(contacts.members(room).has(bot.sim.userNameOf('wxid_alice'))).toBe(true);
    expect(bot.actions()).toEqual([]);
  });

  test('roomLeave of the bot itself waits for the room to leave the contacts; a non-member is an error', async () => {
    bot = await createTestBot({ plugins: [watcher] });
    const family = bot.sim.userNameOf('1000000002@chatroom');
    expect(bot.bot.transport.client.contacts.room(family)).toBeDefined();
    await bot.roomLeave('Family', 'wxid_bot');
    expect(bot.bot.transport.client.contacts.room(family)).toBeUndefined();
    await expect(bot.roomLeave('测试群', 'Carol')).rejects.toThrow(/not a member/);
  });

  test('roomJoin waits for its own join notice, not a rename of the same room still in flight', async () => {
    bot = await createTestBot({ plugins: [watcher] });
    const [renamed, joined] = await Promise.all([
      bot.roomRename('测试群', 'Renamed', 'Alice'),
      bot.roomJoin('测试群', 'Carol', 'Alice'),
    ]);
    expect(renamed.map((a) => a.content)).toEqual([{ type: 'text', text: 'topic is now Renamed' }]);
    expect(joined.map((a) => a.content)).toEqual([{ type: 'text', text: 'welcome Carol' }]);
  });

  test('roomRename waits for the notice of that topic, not an earlier one', async () => {
    bot = await createTestBot({ plugins: [watcher] });
    const [first, second] = await Promise.all([
      bot.roomRename('Family', 'One', 'Alice'),
      bot.roomRename('Family', 'Two', 'Alice'),
    ]);
    expect(first.map((a) => a.content)).toEqual([{ type: 'text', text: 'topic is now One' }]);
    expect(second.map((a) => a.content)).toEqual([{ type: 'text', text: 'topic is now Two' }]);
  });

  test('plugins look contacts up by emoji display names after a join', async () => {
    bot = await createTestBot({ plugins: [watcher] });
    const joined = await bot.roomJoin('测试群', 'Dave 🌛', 'Alice');
    expect(joined.map((a) => a.content)).toEqual([{ type: 'text', text: 'welcome Dave 🌛' }]);
    await bot.receive('/who Dave 🌛', { from: 'Alice' });
    bot.expectReply('Alice', 'Dave 🌛: Dave 🌛');
    expect(bot.bot.transport.client.contacts.findByName('Dave 🌛').map((c) => c.userName)).toEqual([
      bot.sim.userNameOf('dave1988'),
    ]);
  });
});
