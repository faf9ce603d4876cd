import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { defaultWorld } from '@wxbot/simulator';
import { createTestBot, type TestBot } from '@wxbot/core/testing';

import autoreply, { AutoreplyController, type AutoreplyOptions, type AutoreplyRule } from '../src/index.js';
import { tempDir } from './helpers.js';

const OPEN = { chatMs: 0, userMs: 0, maxPerUser: 1000 };
let bot: TestBot | undefined;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  await tmp.cleanup();
});

async function start(options: AutoreplyOptions, world = defaultWorld()): Promise<TestBot> {
  bot = await createTestBot({ plugins: [[autoreply, { cooldown: OPEN, ...options }]], world });
  return bot;
}

/** Replaces the file atomically, as editors and deploy tools do. */
async function replace(path: string, rules: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(rules));
  await rename(`${path}.tmp`, path);
}

const reply = async (b: TestBot, text: string, from = 'Alice') =>
  (await b.receive(text, { from })).map((r) => (r.content?.type === 'text' ? r.content.text : r.content?.type));

describe('rulesFile location', () => {
  it('resolves a relative rulesFile from the config directory (ctx.baseDir), not the working directory', async () => {
    await tmp.file('replies.json', JSON.stringify([{ keyword: 'hours', reply: '9-5' }]));
    expect(process.cwd()).not.toBe(tmp.dir);
    bot = await createTestBot({
      plugins: [[autoreply, { cooldown: OPEN, rulesFile: './replies.json' }]],
      baseDir: tmp.dir,
    });
    expect(await reply(bot, 'opening hours?')).toEqual(['9-5']);
  });
});

describe('reloading rules', () => {
  it('reloads a JSON rules file through a controller; media paths resolve next to the file', async () => {
    const file = await tmp.file('replies.json', JSON.stringify([{ keyword: 'hours', reply: '9-5' }]));
    await tmp.file('map.png', Buffer.from('89504e47', 'hex'));
    const controller = new AutoreplyController();
    const b = await start({ rulesFile: file, controller, rules: [{ exact: 'ping', reply: 'pong' }] });
    expect(await reply(b, 'hours?')).toEqual(['9-5']);

    await replace(file, {
      rules: [
        { keyword: 'hours', reply: '10-6' },
        { keyword: 'where', reply: { image: 'map.png' } },
      ],
    });
    await expect(controller.reload()).resolves.toEqual({ rules: 3 });
    expect(await reply(b, 'hours?')).toEqual(['10-6']);
    const [map] = await b.receive('where are you', { from: 'Alice' });
    expect(map).toMatchObject({ content: { type: 'image', name: 'map.png' }, status: 'done' });
    expect(await reply(b, 'ping')).toEqual(['pong']); // inline rules survive a reload
  });

  it('keeps the old rules when a reload finds invalid ones, and says where the problem is', async () => {
    const file = await tmp.file('replies.json', JSON.stringify([{ keyword: 'hours', reply: '9-5' }]));
    const controller = new AutoreplyController();
    const b = await start({ rulesFile: file, controller });

    await replace(file, [
      { keyword: 'hours', reply: '10-6' },
      { keyword: 'x', regex: 'y', reply: 'z' },
    ]);
    await expect(controller.reload()).rejects.toThrow(
      `rulesFile (${file})[1]: a rule takes exactly one trigger, got keyword and regex`,
    );
    await writeFile(file, '[{"keyword": "hours",');
    await expect(controller.reload()).rejects.toThrow(`rulesFile ${file}: invalid JSON`);
    expect(await reply(b, 'hours?')).toEqual(['9-5']);
  });

  it('re-calls a rules function on reload', async () => {
    let version = 1;
    const controller = new AutoreplyController();
    const b = await start({ controller, rules: (): AutoreplyRule[] => [{ keyword: 'version', reply: `v${version}` }] });
    expect(await reply(b, 'version')).toEqual(['v1']);
    version = 2;
    await controller.reload();
    expect(await reply(b, 'version')).toEqual(['v2']);
  });

  it('reloads TypeScript rule files without a module cache', async () => {
    const file = await tmp.file('replies.ts', `export default [{ keyword: 'ts', reply: 'one' as string }];`);
    const controller = new AutoreplyController();
    const b = await start({ rulesFile: file, controller });
    expect(await reply(b, 'ts')).toEqual(['one']);
    await writeFile(file, `export default () => [{ regex: /^ts (\\d)$/, reply: 'two $1' }];`);
    await controller.reload();
    expect(await reply(b, 'ts 7')).toEqual(['two 7']);
  });

  it('re-reads a watched file after it changes', async () => {
    const file = await tmp.file('replies.json', JSON.stringify([{ keyword: 'menu', reply: 'soup' }]));
    const b = await start({ rulesFile: file, watch: true, watchDebounceMs: 20 });
    expect(await reply(b, 'menu')).toEqual(['soup']);
    await replace(file, [{ keyword: 'menu', reply: 'salad' }]);
    let last: unknown[] = [];
    // Poll through the bot: each probe is a real message, so the assertion is on behaviour, not internals.
    for (let i = 0; i < 100 && last[0] !== 'salad'; i++) {
      last = await reply(b, 'menu');
      if (last[0] !== 'salad') await new Promise((r) => setTimeout(r, 30));
    }
    expect(last).toEqual(['salad']);
  });

  it('reloads on a signal, and stops listening when the bot stops', async () => {
    const file = await tmp.file('replies.json', JSON.stringify([{ keyword: 'menu', reply: 'soup' }]));
    const before = process.listenerCount('SIGUSR2');
    const b = await start({ rulesFile: file, reloadSignal: 'SIGUSR2' });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    await replace(file, [{ keyword: 'menu', reply: 'salad' }]);
    process.emit('SIGUSR2', 'SIGUSR2');
    let last: unknown[] = [];
    for (let i = 0; i < 100 && last[0] !== 'salad'; i++) {
      last = await reply(b, 'menu');
      if (last[0] !== 'salad') await new Promise((r) => setTimeout(r, 20));
    }
    expect(last).toEqual(['salad']);
    await b.close();
    bot = undefined;
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('reloads on a command from the account or an admin (stable id or remark), never from a look-alike nick name', async () => {
    const world = defaultWorld();
    // An attacker named like the admin's remark; only the owner can set remarks, so this must not count.
    world.friends!.push({ wxid: 'wxid_mallory', nickName: 'Carol' });
    const file = await tmp.file('replies.json', JSON.stringify([{ keyword: 'menu', reply: 'soup' }]));
    const b = await start(
      {
        rulesFile: file,
        reloadCommand: 'reload-replies',
        admins: ['wxid_bob', 'Carol'],
        rules: [{ keyword: 'reload', reply: 'no!' }],
      },
      world,
    );
    await replace(file, [{ keyword: 'menu', reply: 'salad' }]);

    expect(await b.receive('/reload-replies', { from: 'wxid_mallory' })).toEqual([]);
    expect(await reply(b, 'menu')).toEqual(['soup']);
    expect(await reply(b, '/reload-replies', 'Alice')).toEqual([]);
    expect(await reply(b, '/reload-replies', 'Bob')).toEqual(['Reloaded 2 auto-reply rule(s).']);
    expect(await reply(b, 'menu')).toEqual(['salad']);

    await replace(file, [{ keyword: 'menu' }]);
    const [failed] = await reply(b, '/reload-replies', 'wxid_carol');
    expect(failed).toMatch(/^Reload failed; the previous rules stay active\.\n.*\[0\]\.reply/s);
    expect(await reply(b, 'menu')).toEqual(['salad']);

    // The owner typing on the phone may reload too.
    await replace(file, [{ keyword: 'menu', reply: 'stew' }]);
    expect(await b.receive('/reload-replies', { from: 'wxid_bot', room: '测试群' })).toHaveLength(1);
    expect(await reply(b, 'menu')).toEqual(['stew']);
  });

  it('a controller with no running plugin says so', async () => {
    await expect(new AutoreplyController().reload()).rejects.toThrow(/no running autoreply plugin/);
    const controller = new AutoreplyController();
    const b = await start({ controller, rules: [{ keyword: 'a', reply: 'b' }] });
    expect(controller.attached).toBe(true);
    await b.close();
    bot = undefined;
    expect(controller.attached).toBe(false);
  });

  it('fails to start, naming the file, when the rules file is missing', async () => {
    const b = await start({ rulesFile: join(tmp.dir, 'nope.json') });
    expect(b.bot.plugins()).toEqual([{ name: '@wxbot/plugin-autoreply', state: 'failed' }]);
    expect(await b.receive('anything', { from: 'Alice' })).toEqual([]);
  });
});

describe('a refused reload command', () => {
  it("is logged with the sender's strong id, what the owner lists in admins to allow them", async () => {
    const { createLogger } = await import('@wxbot/core');
    const lines: string[] = [];
    const sink = {
      write: (line: string) => {
        lines.push(line);
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    const file = await tmp.file('replies.json', JSON.stringify([{ keyword: 'menu', reply: 'soup' }]));
    bot = await createTestBot({
      plugins: [
        [autoreply, { cooldown: OPEN, rulesFile: file, reloadCommand: 'reload-replies', admins: ['wxid_bob'] }],
      ],
      logger: createLogger({ level: 'info', pretty: false }, sink),
    });
    expect(await reply(bot, '/reload-replies', 'Alice')).toEqual([]);
    const refused = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['command'] === 'reload-replies');
    expect(refused).toMatchObject([{ strongId: 'wxid_alice', msg: /list strongId in admins/ }]);
  });
});
