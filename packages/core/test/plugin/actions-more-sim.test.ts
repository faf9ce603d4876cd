import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { defaultWorld } from '@wxbot/simulator';

import type { SentMessage } from '../../src/message/sent.js';
import { definePlugin } from '../../src/plugin/define.js';
import { createTestBot, type TestBot } from '../../src/testing/index.js';

/**
 * Plugins written only against the public plugin API do what issue 16 asks, against the simulator:
 * save a room's files and images, re-post a recalled text, undo their last message, create a room,
 * add a friend, mark a chat read, fetch an avatar.
 */

let bot: TestBot | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Polls `cond` every 10 ms, at most `ms`. */
async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a plugin saves every image and file posted in a room to disk', async () => {
  const saveTo = await mkdtemp(join(tmpdir(), 'wxbot-saved-'));
  dir = saveTo;
  const saved: string[] = [];
  const archiver = definePlugin({
    name: 'archiver',
    setup(ctx) {
      ctx.inRoom('测试群').on(['message:image', 'message:file'], async (m) => {
        const result = await ctx.messages.download(m.message, { dir: saveTo });
        saved.push(result.path!);
      });
    },
  });
  bot = await createTestBot({ plugins: [archiver] });
  const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(3000, 9)]);
  const file = Buffer.from('quarterly numbers\n'.repeat(100));
  bot.sim.send({ from: 'wxid_alice', room: '1000000001@chatroom', kind: 'image', data: image });
  bot.sim.send({ from: 'wxid_bob', room: '1000000001@chatroom', kind: 'file', data: file, fileName: 'report.txt' });
  // Not the room: not saved.
  bot.sim.send({ from: 'wxid_alice', kind: 'image', data: image });
  await until(() => saved.length >= 2, 'two saved files');
  const names = (await readdir(saveTo)).sort();
  expect(names).toHaveLength(2);
  expect(names).toContain('report.txt');
  const contents = await Promise.all(saved.map((p) => readFile(p)));
  expect(contents).toEqual(expect.arrayContaining([image, file]));
  expect(bot.actions().filter((a) => a.action === 'download')).toMatchObject([
    { plugin: 'archiver', status: 'done' },
    { plugin: 'archiver', status: 'done' },
  ]);
});

test('a plugin downloads a voice clip, a byte range of a video and an image thumbnail to streams', async () => {
  const got: { kind: string; bytes: number; data: Buffer }[] = [];
  const grab = async (kind: string, run: (sink: PassThrough) => Promise<{ bytes: number }>): Promise<void> => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const { bytes } = await run(sink);
    got.push({ kind, bytes, data: Buffer.concat(chunks) });
  };
  const media = definePlugin({
    name: 'media',
    setup(ctx) {
      ctx.on('message:voice', (m) => grab('voice', (stream) => ctx.messages.download(m.message, { stream })));
      ctx.on('message:video', (m) =>
        grab('video', (stream) => ctx.messages.download(m.message, { stream }, { range: { start: 10, end: 109 } })),
      );
      ctx.on('message:image', (m) =>
        grab('thumb', (stream) => ctx.messages.download(m.message, { stream }, { slave: true })),
      );
    },
  });
  bot = await createTestBot({ plugins: [media] });
  const video = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  bot.sim.send({ from: 'wxid_alice', kind: 'voice', data: Buffer.alloc(700, 4), duration: 2000 });
  bot.sim.send({ from: 'wxid_alice', kind: 'video', data: video, duration: 3 });
  bot.sim.send({ from: 'wxid_alice', kind: 'image', data: Buffer.alloc(9000, 1) });
  await until(() => got.length >= 3, 'three downloads');
  const by = Object.fromEntries(got.map((g) => [g.kind, g]));
  expect(by['voice']!.data).toEqual(Buffer.alloc(700, 4));
  expect(by['video']!.bytes).toBe(100);
  expect(by['video']!.data).toEqual(video.subarray(10, 110));
  // The thumbnail is the server's small picture, not the 9000-byte original.
  expect(by['thumb']!.bytes).toBeGreaterThan(0);
  expect(by['thumb']!.bytes).toBeLessThan(9000);
  const wire = bot.wireActions().map((a) => a.endpoint);
  expect(wire).toEqual(expect.arrayContaining(['webwxgetvoice', 'webwxgetvideo', 'webwxgetmsgimg']));
});

test('a plugin forwards what it receives: text, an image, a video and a file, without uploading them', async () => {
  const relay = definePlugin({
    name: 'relay',
    setup(ctx) {
      ctx.from('Alice').on(['message:text', 'message:image', 'message:video', 'message:file'], async (m) => {
        await ctx.messages.forward(m.message, 'Bob');
      });
    },
  });
  bot = await createTestBot({ plugins: [relay] });
  await bot.receive('look at this', { from: 'Alice' });
  bot.sim.send({ from: 'wxid_alice', kind: 'image', data: Buffer.alloc(2000, 5) });
  bot.sim.send({ from: 'wxid_alice', kind: 'video', data: Buffer.alloc(3000, 6), duration: 2 });
  bot.sim.send({ from: 'wxid_alice', kind: 'file', data: Buffer.from('minutes'), fileName: 'minutes.txt' });
  await until(
    () => bot!.actions().filter((a) => a.action === 'forward' && a.status !== 'pending').length >= 4,
    '4 forwards',
  );
  expect(bot.actions().map((a) => [a.action, a.status])).toEqual([
    ['forward', 'done'],
    ['forward', 'done'],
    ['forward', 'done'],
    ['forward', 'done'],
  ]);
  const sends = bot
    .wireActions()
    .filter((a) => a.endpoint.startsWith('webwxsend'))
    .map((a) => [a.endpoint, a.ret, a.to]);
  expect(sends).toEqual([
    ['webwxsendmsg', 0, 'wxid_bob'],
    ['webwxsendmsgimg', 0, 'wxid_bob'],
    ['webwxsendvideomsg', 0, 'wxid_bob'],
    ['webwxsendappmsg', 0, 'wxid_bob'],
  ]);
  expect(bot.wireActions().filter((a) => a.endpoint === 'webwxuploadmedia')).toEqual([]);
});

test('anti-recall: a plugin re-posts the original text of a recalled message', async () => {
  const seenAsMessage: string[] = [];
  const antiRecall = definePlugin({
    name: 'anti-recall',
    setup(ctx) {
      ctx.on('recall', async (r) => {
        if (r.original?.kind === 'text') await r.reply(`${r.recalledBy.name} recalled: ${r.original.text}`);
      });
      ctx.on('message:recall', (m) => {
        seenAsMessage.push(m.message.recalledId ?? '');
      });
    },
  });
  bot = await createTestBot({ plugins: [antiRecall] });
  const { msgId } = bot.sim.say({ from: 'wxid_alice', text: 'my password is hunter2', room: '1000000001@chatroom' });
  // Let the bot see the message before it is recalled (it only remembers what it saw).
  await bot.receive('and another', { from: 'Alice', room: '测试群' });
  bot.sim.send({ from: 'wxid_alice', room: '1000000001@chatroom', kind: 'recall', msgId });
  await until(() => bot!.replies().length > 0, 'the re-post');
  expect(bot.replies()).toEqual(['Alice recalled: my password is hunter2']);
  expect(bot.summary()[0]).toMatchObject({ plugin: 'anti-recall', to: '1000000001@chatroom' });
  expect(seenAsMessage).toEqual([msgId]);
});

test('a plugin revokes its own last message, marks chats read, adds a friend and fetches an avatar', async () => {
  const last = new Map<string, SentMessage>();
  const avatars: number[] = [];
  const helper = definePlugin({
    name: 'helper',
    setup(ctx) {
      ctx.on('message:text', async (m, next) => {
        await ctx.chats.markRead(m.chat);
        await next();
      });
      ctx.hears(/^undo$/, async (m) => {
        const sent = last.get(m.chat.userName);
        if (sent !== undefined) await ctx.messages.revoke(sent);
      });
      ctx.hears(/^add me$/, async (m) => {
        await ctx.contacts.addFriend(m.sender, 'Hi, this is the group bot');
      });
      ctx.hears(/^face$/, async (m) => {
        const sink = new PassThrough();
        sink.resume();
        avatars.push((await ctx.contacts.avatar(m.sender, { stream: sink })).bytes);
      });
      ctx.hears(/^hi$/, async (m) => {
        last.set(m.chat.userName, await m.reply('hello!'));
      });
    },
  });
  bot = await createTestBot({ plugins: [helper] });
  await bot.receive('hi', { from: 'Bob' });
  await bot.receive('undo', { from: 'Bob' });
  const revoke = bot.wireActions().filter((a) => a.endpoint === 'webwxrevokemsg');
  expect(revoke).toMatchObject([{ ret: 0, to: 'wxid_bob' }]);
  // Erin is in 测试群 but not a friend.
  await bot.receive('add me', { from: 'Erin', room: '测试群' });
  expect(bot.wireActions().filter((a) => a.endpoint === 'webwxverifyuser')).toMatchObject([
    { op: '2', ret: 0, to: 'wxid_erin', content: 'Hi, this is the group bot' },
  ]);
  await bot.receive('face', { from: 'Alice' });
  expect(avatars[0]).toBeGreaterThan(0);
  const reads = bot.wireActions().filter((a) => a.endpoint === 'webwxstatusnotify' && a.to !== 'wxid_bot');
  expect(reads.map((a) => a.to)).toEqual(['wxid_bob', 'wxid_bob', '1000000001@chatroom', 'wxid_alice']);
  expect(bot.actions().map((a) => a.action)).toEqual([
    'markRead',
    'send',
    'markRead',
    'revoke',
    'markRead',
    'addFriend',
    'markRead',
    'avatar',
  ]);
});

test('a plugin creates a room for a new customer with two friends, and learns it was added to rooms', async () => {
  const world = defaultWorld();
  world.rooms = [
    ...(world.rooms ?? []),
    { id: '1000000003@chatroom', topic: 'Book club', owner: 'wxid_alice', members: ['wxid_alice', 'wxid_carol'] },
  ];
  const addedTo: string[] = [];
  const concierge = definePlugin({
    name: 'concierge',
    setup(ctx) {
      ctx.command('room', async (m) => {
        const room = await ctx.rooms.create([m.sender, 'Carol'], `Customer ${m.sender.name}`);
        await ctx.send(room, 'welcome to your room');
      });
      ctx.on('room:bot-added', async (j) => {
        addedTo.push(j.chat.name ?? j.chat.userName);
        await j.reply(`thanks ${j.inviter?.name ?? ''}`);
      });
    },
  });
  bot = await createTestBot({ plugins: [concierge], world });
  await bot.receive('/room', { from: 'Alice' });
  const created = bot.wireActions().filter((a) => a.endpoint === 'webwxcreatechatroom');
  expect(created).toMatchObject([{ ret: 0, members: ['wxid_alice', 'wxid_carol'], content: 'Customer Alice' }]);
  expect(bot.summary().map((a) => [a.action, a.text])).toEqual([
    ['createRoom', undefined],
    ['send', 'welcome to your room'],
  ]);
  await bot.roomJoin('Book club', 'wxid_bot', 'Alice');
  expect(addedTo).toEqual(['Book club']);
  expect(bot.replies()).toContain('thanks Alice');
});
