import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultWorld } from '@wxbot/simulator';

import { createLogger } from '../../src/bot/logger.js';
import { definePlugin } from '../../src/plugin/define.js';
import { OWNER_COMMANDS_PLUGIN } from '../../src/plugin/owner-commands.js';
import type { ActionRecord } from '../../src/plugin/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { createTestBot, type TestBot, type TestBotOptions } from '../../src/testing/index.js';

/** Issue 16 item 5: owner commands switch a plugin per chat, persisted, and nobody else can. */

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const echo = definePlugin({
  name: 'echo',
  permissions: { actions: ['send'] },
  setup(ctx) {
    ctx.on('message:text', async (m) => {
      if (m.text.startsWith('hello')) await m.reply(`echo: ${m.text}`);
    });
  },
});
const shout = definePlugin({
  name: '@me/wxbot-plugin-shout',
  permissions: { actions: ['send'] },
  setup(ctx) {
    ctx.hears('hey', (m) => m.reply('HEY'));
  },
});

const texts = (records: readonly ActionRecord[]): string[] =>
  records.flatMap((r) => (r.content?.type === 'text' ? [r.content.text] : []));

async function start(options: Partial<TestBotOptions> = {}): Promise<TestBot> {
  bot = await createTestBot({ plugins: [echo, shout], ownerCommands: {}, ...options });
  return bot;
}

test('the owner typing on the phone switches a plugin off and on in one chat only', async () => {
  const b = await start();
  const off = await b.receive('/plugin off echo', { from: 'wxid_bot', room: '测试群' });
  expect(texts(off)).toEqual(['echo is now off in this chat.']);
  expect(off[0]?.plugin).toBe(OWNER_COMMANDS_PLUGIN);

  expect(texts(await b.receive('hello', { from: 'Alice', room: '测试群' }))).toEqual([]);
  // Another chat keeps it.
  expect(texts(await b.receive('hello', { from: 'Alice' }))).toEqual(['echo: hello']);
  // The other plugin still runs in the switched chat.
  expect(texts(await b.receive('hey', { from: 'Alice', room: '测试群' }))).toEqual(['HEY']);

  expect(texts(await b.receive('/plugin list', { from: 'wxid_bot', room: '测试群' }))).toEqual([
    'echo: off\n@me/wxbot-plugin-shout: on',
  ]);
  expect(texts(await b.receive('/plugin on echo', { from: 'wxid_bot', room: '测试群' }))).toEqual([
    'echo is now on in this chat.',
  ]);
  expect(texts(await b.receive('hello', { from: 'Alice', room: '测试群' }))).toEqual(['echo: hello']);
});

test('a short name finds a scoped plugin; an unknown name is answered with the known ones', async () => {
  const b = await start();
  expect(texts(await b.receive('/plugin off shout', { from: 'wxid_bot' }))).toEqual([
    '@me/wxbot-plugin-shout is now off in this chat.',
  ]);
  expect(texts(await b.receive('hey', { from: 'wxid_bot' }))).toEqual([]);
  expect(texts(await b.receive('/plugin off ecko', { from: 'wxid_bot' }))).toEqual([
    'Unknown plugin "ecko". Known plugins: echo, @me/wxbot-plugin-shout',
  ]);
  expect(texts(await b.receive('/plugin off @me/wxbot-plugin-shout extra', { from: 'wxid_bot' }))).toEqual([
    'Usage: /plugin list | on <plugin> | off <plugin>',
  ]);
  expect(texts(await b.receive('/plugin', { from: 'wxid_bot' }))).toEqual([
    'Usage: /plugin list | on <plugin> | off <plugin>',
  ]);
  // The built-in cannot switch itself off: it is not among the plugins it names.
  expect(texts(await b.receive(`/plugin off ${OWNER_COMMANDS_PLUGIN}`, { from: 'wxid_bot' }))[0]).toMatch(
    /^Unknown plugin/,
  );
});

test("a non-owner's command is ignored and logged, a namesake of an owner's remark included", async () => {
  const lines: string[] = [];
  const sink = {
    write: (line: string) => {
      lines.push(line);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  const world = defaultWorld();
  // Named like the remark the owner gave Carol; only the owner sets remarks, so it must not count.
  world.friends!.push({ wxid: 'wxid_mallory', nickName: 'Carol' });
  const b = await start({
    world,
    ownerCommands: { owners: ['wxid_bob', 'Carol'], prefixes: ['!'] },
    logger: createLogger({ level: 'info', pretty: false }, sink),
  });

  expect(await b.receive('!plugin off echo', { from: 'Alice', room: '测试群' })).toEqual([]);
  expect(await b.receive('!plugin off echo', { from: 'wxid_mallory' })).toEqual([]);
  expect(texts(await b.receive('hello', { from: 'wxid_mallory' }))).toEqual(['echo: hello']);
  expect(texts(await b.receive('hello', { from: 'Alice', room: '测试群' }))).toEqual(['echo: hello']);
  const refused = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['plugin'] === OWNER_COMMANDS_PLUGIN);
  expect(refused).toMatchObject([
    { strongId: 'wxid_alice', msg: /not an owner/ },
    { strongId: 'wxid_mallory', msg: /not an owner/ },
  ]);

  // The prefix is the configured one; the owners listed by strong id and by remark are obeyed.
  expect(await b.receive('/plugin off echo', { from: 'Bob' })).toEqual([]);
  expect(texts(await b.receive('!plugin off echo', { from: 'Bob' }))).toEqual(['echo is now off in this chat.']);
  expect(texts(await b.receive('!plugin off echo', { from: 'wxid_carol' }))).toEqual(['echo is now off in this chat.']);
  expect(texts(await b.receive('hello', { from: 'wxid_carol' }))).toEqual([]);
});

test('a switch set by command survives a restart (same storage and session store)', async () => {
  const storage = createMemoryStorage();
  const sessionStore = new MemorySessionStore();
  const first = await start({ storage, sessionStore });
  await first.receive('/plugin off echo', { from: 'wxid_bot', room: '测试群' });
  await first.close();
  bot = undefined;

  const second = await start({ storage, sessionStore, seed: 2 });
  expect(texts(await second.receive('hello', { from: 'Alice', room: '测试群' }))).toEqual([]);
  expect(texts(await second.receive('hello', { from: 'Alice', room: 'Family' }))).toEqual(['echo: hello']);
  expect(second.bot.chatSwitches.list()).toHaveLength(1);
});

test('without ownerCommands nobody is answered and no built-in runs', async () => {
  bot = await createTestBot({ plugins: [echo] });
  expect(await bot.receive('/plugin off echo', { from: 'wxid_bot' })).toEqual([]);
  expect(bot.bot.plugins().map((p) => p.name)).toEqual(['echo']);
});

test('account.ownerCommands in a config file turns them on, with its prefix', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-owner-'));
  try {
    const file = join(dir, 'bot.config.json');
    await writeFile(file, JSON.stringify({ account: { ownerCommands: { prefixes: ['#'] } }, plugins: [] }));
    bot = await createTestBot({ config: file, plugins: [echo] });
    expect(texts(await bot.receive('#plugin off echo', { from: 'wxid_bot' }))).toEqual([
      'echo is now off in this chat.',
    ]);
    expect(bot.bot.plugins().map((p) => p.name)).toEqual([OWNER_COMMANDS_PLUGIN, 'echo']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
