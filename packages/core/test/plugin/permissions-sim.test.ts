import { ConfigError } from '../../src/config/errors.js';
import { definePlugin } from '../../src/plugin/define.js';
import { PermissionDenied } from '../../src/plugin/permissions.js';
import { createTestBot, type TestBot } from '../../src/testing/index.js';

/** Issue 16 item 6: a plugin outside its permissions is refused with a clear error and nothing reaches the server. */

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const wire = (b: TestBot, endpoint: string) => b.wireActions().filter((a) => a.endpoint === endpoint);

test('an action outside the manifest rejects with PermissionDenied and no request reaches the simulator', async () => {
  const errors: unknown[] = [];
  const greeter = definePlugin({
    name: 'greeter-from-npm',
    permissions: { actions: ['send'], chats: 'any' },
    setup(ctx) {
      ctx.command('announce', async (c) => {
        await ctx.rooms.remove('测试群', ['Bob']).catch((e: unknown) => errors.push(e));
        await c.reply('tried');
      });
    },
  });
  bot = await createTestBot({ plugins: [greeter] });
  await bot.receive('/announce', { from: 'Alice', room: '测试群' });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(PermissionDenied);
  expect(errors[0]).toMatchObject({ plugin: 'greeter-from-npm', action: 'rooms.remove', by: 'manifest' });
  expect((errors[0] as Error).message).toMatch(/plugin "greeter-from-npm" may not rooms\.remove on "测试群"/);
  // The refusal is in the action log, and the server saw the reply only.
  expect(bot.actions().map((a) => [a.action, a.status])).toEqual([
    ['removeMembers', 'failed'],
    ['send', 'done'],
  ]);
  expect(wire(bot, 'webwxupdatechatroom')).toEqual([]);
  expect(wire(bot, 'webwxsendmsg')).toHaveLength(1);
});

test('a config entry narrows a plugin to one room: the other room is refused, the listed one works', async () => {
  const errors: unknown[] = [];
  const moderator = definePlugin({
    name: 'moderator',
    permissions: { actions: ['send', 'rooms.remove'], chats: 'rooms' },
    setup(ctx) {
      ctx.command('announce', async (c) => {
        await ctx.send(c.message.chat.userName, 'announcement').catch((e: unknown) => errors.push(e));
      });
    },
  });
  bot = await createTestBot({ plugins: [[moderator, undefined, { permissions: { rooms: ['Family'] } }]] });
  await bot.receive('/announce', { from: 'Alice', room: '测试群' });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ name: 'PermissionDenied', by: 'config', action: 'send' });
  expect((errors[0] as Error).message).toMatch(/allows only the rooms "Family"/);
  expect(wire(bot, 'webwxsendmsg')).toEqual([]);
  await bot.receive('/announce', { from: 'Alice', room: 'Family' });
  expect(errors).toHaveLength(1);
  expect(bot.actions().map((a) => [a.action, a.targetName, a.status])).toEqual([
    ['send', '测试群', 'failed'],
    ['send', 'Family', 'done'],
  ]);
  expect(wire(bot, 'webwxsendmsg')).toHaveLength(1);
});

test('a config entry that widens the manifest is refused before anything starts', async () => {
  const moderator = definePlugin({ name: 'moderator', permissions: { actions: ['send'] }, setup() {} });
  await expect(
    createTestBot({ plugins: [[moderator, undefined, { permissions: { actions: ['send', 'rooms.remove'] } }]] }),
  ).rejects.toThrow(ConfigError);
  await expect(
    createTestBot({ plugins: [[moderator, undefined, { permissions: { actions: ['rooms.remove'] } }]] }),
  ).rejects.toThrow(/plugins\[0\]\[2\]\.permissions\.actions\[0\].*"rooms\.remove" widens plugin "moderator"/);
});
