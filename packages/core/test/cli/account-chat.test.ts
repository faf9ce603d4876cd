import { PassThrough } from 'node:stream';

import { openAccountChat, TERMINAL_PLUGIN } from '../../src/cli/account-chat.js';
import type { CliIo } from '../../src/cli/io.js';
import { createTestBot, type TestBot } from '../../src/testing/test-bot.js';
import { waitUntil } from './helpers.js';

function terminal() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const io: CliIo = { cwd: process.cwd(), stdin, stdout, stderr, interactive: true };
  return {
    io,
    type: (text: string) => stdin.write(`${text}\r`),
    raw: () => out,
    see: (text: string) => waitUntil(() => out.includes(text), `"${text}" on screen`),
  };
}

let bot: TestBot | undefined;
let chat: { close(): void } | undefined;
afterEach(async () => {
  chat?.close();
  await bot?.close();
  chat = undefined;
  bot = undefined;
});

test('incoming messages are shown by chat, and typed lines are sent as the account', async () => {
  bot = await createTestBot({ plugins: [] });
  const t = terminal();
  const quits: number[] = [];
  chat = openAccountChat(t.io, bot.bot, { onQuit: () => quits.push(1) });
  await t.see('(.to <name> picks a chat)> ');

  t.type('hello?');
  await t.see('no chat chosen: .to <name> first');

  bot.sim.say({ from: 'wxid_alice', text: 'hi account' });
  await t.see('[Alice] hi account');
  t.type('.r');
  await t.see('to Alice> ');
  t.type('hello Alice, typed in the terminal');
  const sent = await bot.sim.waitForAction((a) => (a.content ?? '').includes('hello Alice, typed in the terminal'), {
    timeoutMs: 5000,
  });
  expect(bot.sim.stableIdOf(sent.toUserName ?? '')).toBe('wxid_alice');
  await waitUntil(() => bot!.bot.actions.all().some((r) => r.plugin === TERMINAL_PLUGIN), 'the action log record');

  const room = bot.world.rooms!.find((r) =>
    r.members.some((m) => (typeof m === 'string' ? m : m.wxid) === 'wxid_bob'),
  )!;
  bot.sim.say({ from: 'wxid_bob', room: room.id, text: 'in the room' });
  await t.see(`[#${room.topic}] Bob: in the room`);
  t.type('.chats');
  await t.see(`#${room.topic}: 1 unread`);

  t.type(`.to ${room.topic}`);
  await t.see(`to #${room.topic}> `);
  t.type('..dot first');
  await bot.sim.waitForAction((a) => a.content === '.dot first', { timeoutMs: 5000 });

  t.type('.to Nobody At All');
  await t.see('"Nobody At All"');
  t.type('.bogus');
  await t.see('.bogus: not a command');

  t.type('.quit');
  await waitUntil(() => quits.length === 1, 'quit');
});
