import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';

import { openChatPrompt } from '../../src/cli/chat.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { definePlugin } from '../../src/plugin/define.js';
import { createTestBot, type TestBot } from '../../src/testing/test-bot.js';
import { makeProject } from '../config/helpers.js';
import { waitUntil } from './helpers.js';

// Loading configs compiles TypeScript with jiti; the first load in a worker takes seconds.
const SLOW = 30_000;

/**
 * What a terminal would show: `\r` and "cursor to column 1" restart the line
 * (readline and the chat always clear what follows), other escapes are dropped.
 */
function screen(raw: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\n') {
      lines.push(line);
      line = '';
    } else if (c === '\r') {
      line = '';
    } else if (c === '\x1b') {
      const m = /^.\[([0-9;]*)([A-Za-z])/.exec(raw.slice(i));
      if (m === null) continue;
      if (m[2] === 'G' && (m[1] === '' || m[1] === '1')) line = '';
      i += m[0].length - 1;
    } else {
      line += c;
    }
  }
  lines.push(line);
  return lines;
}

/** A stand-in for a callback that records its calls. */
function recorder<A extends unknown[]>(result?: unknown) {
  const calls: A[] = [];
  const fn = (...args: A) => {
    calls.push(args);
    return result;
  };
  return { fn, calls };
}

/** Replaces process.kill until restored: /quit must not send real signals to the test runner. */
function fakeKill(deliver: boolean) {
  const real = process.kill.bind(process);
  const kill = recorder<[number, string | number | undefined]>(true);
  process.kill = (pid: number, signal?: string | number) => {
    kill.fn(pid, signal);
    if (deliver) process.emit('SIGINT', 'SIGINT');
    return true;
  };
  return { calls: kill.calls, restore: () => (process.kill = real) };
}

function terminalIo(cwd: string, signal?: AbortSignal) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.resume();
  const io: CliIo = { cwd, stdin, stdout, stderr, interactive: true, ...(signal ? { signal } : {}) };
  return {
    io,
    stdin,
    type: (text: string) => stdin.write(`${text}\r`),
    raw: () => out,
    lines: () => screen(out),
    /** Waits for a screen line containing `text`. */
    see: (text: string, what = `"${text}" on screen`) =>
      waitUntil(() => screen(out).some((l) => l.includes(text)), what),
  };
}

describe('wxbot start --simulator in a terminal', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  test(
    'chat as friends and in rooms, send a friend request, and .quit stops the bot',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `import { defineConfig, definePlugin } from '@wxbot/core';
        const ping = definePlugin({ name: 'ping', setup(ctx) { ctx.command('ping', (m) => m.reply('pong')); } });
        const echo = definePlugin({ name: 'echo', setup(ctx) {
          ctx.on('message:text', async (m) => { if (!m.text.startsWith('/')) await m.reply('echo: ' + m.text); });
          ctx.on('friend:request', (m) => ctx.acceptFriend(m.request));
        } });
        export default defineConfig({ logging: { level: 'warn' }, plugins: [ping, echo] });`,
      });
      dir = p.dir;
      // /quit sends SIGINT to the process; deliver it to start's listener without a real signal.
      const kill = fakeKill(true);
      const t = terminalIo(p.dir);
      const exit = main(['start', '--simulator'], t.io);
      // Loading the TypeScript config compiles it: slow on a busy machine.
      await waitUntil(() => t.raw().includes('Type below to chat as a simulated friend'), 'the banner', 25_000);
      await t.see('Alice> ');

      t.type('hello');
      await t.see('bot → Alice: echo: hello (by echo)');
      // The reply starts its own line and the prompt is drawn again below it.
      const afterHello = t.lines();
      const at = afterHello.findIndex((l) => l.startsWith('bot → Alice: echo: hello'));
      expect(afterHello.slice(at + 1).at(-1)).toBe('Alice> ');
      expect(afterHello.some((l) => /> bot →/.test(l))).toBe(false);

      t.type('.as bob');
      await t.see('Bob> ');
      t.type('/ping');
      await t.see('bot → Bob: pong (by ping)');

      t.type('.in 测试群');
      await t.see('Bob @ 测试群> ');
      t.type('hi all');
      await t.see('bot → 测试群: echo: hi all (by echo)');

      t.type('.request zoe wxbot');
      await t.see('zoe asked to be the bot\'s friend: "wxbot"');
      await t.see('bot accepted the friend request of zoe (by echo)');

      t.type('.quit');
      try {
        expect(await exit).toBe(0);
      } finally {
        kill.restore();
      }
      expect(kill.calls).toEqual([[process.pid, 'SIGINT']]);
      expect(
        t
          .lines()
          .filter((l) => l.includes('bot →'))
          .every((l) => l.startsWith('bot →')),
      ).toBe(true);
    },
    SLOW,
  );
});

describe('the chat prompt', () => {
  let tb: TestBot | undefined;
  afterEach(async () => {
    await tb?.close();
    tb = undefined;
  });

  const ping = definePlugin({
    name: 'ping',
    setup(ctx) {
      ctx.command('ping', (m) => m.reply('pong'));
    },
  });

  async function open() {
    tb = await createTestBot({ plugins: [ping] });
    const t = terminalIo('/');
    const quits = recorder<[]>();
    const chat = openChatPrompt(t.io, tb.sim, tb.world, tb.bot, { onQuit: quits.fn });
    await t.see('Alice> ');
    return { ...t, tb, quits: quits.calls, chat };
  }

  const sentTexts = (bot: TestBot) => bot.replies();

  test(".help lists the chat commands; /help is the bot's", async () => {
    const c = await open();
    c.type('.help');
    await c.see('.help                  this help;  .quit (or Ctrl+D)  stop the bot');
    for (const cmd of [
      '.as <name>',
      '.in <room>',
      '.request <name> [text]',
      '.join <room> <name>',
      '.rename',
      '.who',
    ]) {
      expect(c.raw()).toContain(cmd);
    }
    c.chat.close();
  });

  test('unknown names, rooms and commands say what is wrong, and the prompt keeps going', async () => {
    const c = await open();
    c.type('.as nobody');
    await c.see('nobody called "nobody" (try .who)');
    c.type('.in Nowhere');
    await c.see('no room "Nowhere" (try .who)');
    c.type('.as');
    await c.see('usage: .as <name>');
    c.type('.request');
    await c.see('usage: .request <name> [text]');
    c.type('.join Family');
    await c.see('usage: .join <room> <name>');
    c.type('.hlep');
    await c.see('.hlep: not a chat command (did you mean .help?); to say it, start with ".."');
    c.type('/frobnicate now');
    await c.see('/frobnicate: no plugin answered it (chat prompt commands start with ".": .help lists them)');
    // Still Alice, still private, still answered.
    expect(c.lines().at(-1)).toBe('Alice> ');
    c.type('/ping');
    await waitUntil(() => sentTexts(c.tb).includes('pong'), 'the pong');
    expect(c.tb.summary().find((a) => a.text === 'pong')?.to).toBe('wxid_alice');
    // A bot command no one mistyped gets no complaint.
    expect(c.raw()).not.toContain('/ping: no plugin answered it');
    expect(c.quits).toHaveLength(0);
    c.chat.close();
  });

  test('speaking in a room the speaker is not in is refused with a hint, not a stack trace', async () => {
    const c = await open();
    c.type('.as Bob');
    await c.see('Bob> ');
    c.type('.in Family');
    await c.see('Bob is not in Family (.as someone who is, or .join Family Bob)');
    // The prompt stays where Bob can speak: a private chat, answered there.
    expect(c.lines().at(-1)).toBe('Bob> ');
    c.type('/ping');
    await waitUntil(() => sentTexts(c.tb).includes('pong'), 'the pong to Bob');
    expect(c.tb.summary().find((a) => a.text === 'pong')?.to).toBe('wxid_bob');
    c.type('.as Carol');
    await c.see('小红> ');
    c.type('.in Family');
    await c.see('小红 @ Family> ');
    c.type('/ping');
    await waitUntil(() => sentTexts(c.tb).filter((t) => t === 'pong').length === 2, 'the pong in Family');
    expect(c.tb.summary().filter((a) => a.text === 'pong')[1]?.to).toBe('1000000002@chatroom');
    c.type('.in');
    await c.see('小红> ');
    c.chat.close();
  });

  test('lines written by others land above the prompt, keeping what is being typed', async () => {
    const c = await open();
    c.stdin.write('hal');
    await waitUntil(() => c.lines().at(-1) === 'Alice> hal', 'the typed text');
    c.io.stdout.write('bot → Alice: something\n');
    expect(c.lines().slice(-2)).toEqual(['bot → Alice: something', 'Alice> hal']);
    c.chat.close();
    // Closed: the stream is the stream again.
    c.io.stdout.write('after\n');
    expect(c.lines().at(-2)).toMatch(/after$/);
  });

  test('/help is said to the bot, whose plugin answers it; the prompt stays silent', async () => {
    const help = definePlugin({
      name: 'helpful',
      setup(ctx) {
        ctx.command('help', (m) => m.reply('bot commands: /ping'));
        ctx.on('message:text', async (m) => {
          if (m.text.startsWith('.')) await m.reply(`heard ${m.text}`);
        });
      },
    });
    tb = await createTestBot({ plugins: [help] });
    const t = terminalIo('/');
    const chat = openChatPrompt(t.io, tb.sim, tb.world, tb.bot, { onQuit: () => undefined });
    await t.see('Alice> ');
    t.type('/help');
    await waitUntil(() => sentTexts(tb!).includes('bot commands: /ping'), "the plugin's help");
    expect(t.raw()).not.toContain('Chat commands start with');
    t.type('..who');
    await waitUntil(() => sentTexts(tb!).includes('heard .who'), 'the literal line');
    t.type('...');
    await waitUntil(() => sentTexts(tb!).includes('heard ...'), 'dots as typed');
    expect(t.raw()).not.toContain('people:');
    chat.close();
  });

  test('.quit, Ctrl+C, Ctrl+D and the end of input each stop once', async () => {
    const a = await open();
    a.type('.quit');
    await waitUntil(() => a.quits.length > 0, '.quit');
    a.stdin.end();
    await new Promise((r) => setImmediate(r));
    expect(a.quits).toHaveLength(1);
    a.chat.close();

    for (const [how, key] of [
      ['Ctrl+C', '\x03'],
      ['Ctrl+D', '\x04'],
      ['end of input', undefined],
    ] as const) {
      const t = terminalIo('/');
      const quits = recorder<[]>();
      const chat = openChatPrompt(t.io, a.tb.sim, a.tb.world, a.tb.bot, { onQuit: quits.fn });
      if (key === undefined) t.stdin.end();
      else t.stdin.write(key);
      await waitUntil(() => quits.calls.length > 0, how);
      await new Promise((r) => setImmediate(r));
      expect(quits.calls).toHaveLength(1);
      chat.close();
    }
  });

  test('without onQuit, .exit sends SIGINT to this process (what start waits for)', async () => {
    const kill = fakeKill(false);
    try {
      tb = await createTestBot({ plugins: [ping] });
      const t = terminalIo('/');
      const chat = openChatPrompt(t.io, tb.sim, tb.world, tb.bot);
      t.type('.exit');
      await waitUntil(() => kill.calls.length > 0, 'the signal');
      expect(kill.calls).toEqual([[process.pid, 'SIGINT']]);
      chat.close();
    } finally {
      kill.restore();
    }
  });
});
