import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Bot,
  CapabilityMissing,
  createLogger,
  createMemoryStorage,
  definePlugin,
  validateOptions,
  type LoadedPlugin,
} from '@wxbot/core';
import autoreply from '@wxbot/plugin-autoreply';

import { fixture, until, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fx?.close();
  fx = undefined;
});

const silent = createLogger({ level: 'silent', pretty: false });

async function loaded(plugin: LoadedPlugin['plugin'], options: unknown): Promise<LoadedPlugin> {
  const v = await validateOptions(plugin, options, 'plugins[0]');
  if (!('value' in v)) throw new Error(JSON.stringify(v.issues));
  return { plugin, options: v.value };
}

describe('plugins on the iLink transport', () => {
  it('runs the autoreply plugin unchanged: a keyword gets its reply, with the context token', async () => {
    fx = await fixture({ quota: false });
    const plugin = await loaded(autoreply, {
      rules: [{ keyword: 'price', reply: '¥42' }],
      cooldown: { chatMs: 0, userMs: 0, maxPerUser: 1000 },
    });
    bot = new Bot({ transport: fx.transport(), plugins: [plugin], logger: silent, storage: createMemoryStorage() });
    await bot.start();
    const { contextToken } = fx.sim.say('alice@im.wechat', 'what is the price?');
    const sent = await fx.sim.waitForSent((s) => s.text === '¥42');
    expect(sent).toMatchObject({ toUserId: 'alice@im.wechat', contextToken });
    fx.sim.say('bob@im.wechat', 'hello');
    fx.sim.say('bob@im.wechat', 'price?');
    await fx.sim.waitForSent((s) => s.toUserId === 'bob@im.wechat');
    expect(fx.sim.sent().map((s) => [s.toUserId, s.text])).toEqual([
      ['alice@im.wechat', '¥42'],
      ['bob@im.wechat', '¥42'],
    ]);
  });

  it('refuses a plugin that needs rooms, naming the capability and the transport, before any login', async () => {
    fx = await fixture();
    const roomy = definePlugin({ name: 'room-keeper', requires: ['rooms'], setup() {} });
    const transport = fx.transport();
    bot = new Bot({
      transport,
      plugins: [{ plugin: roomy, options: undefined }],
      logger: silent,
      storage: createMemoryStorage(),
    });
    const start = bot.start();
    await expect(start).rejects.toBeInstanceOf(CapabilityMissing);
    await expect(start).rejects.toThrow(/room-keeper.*"rooms".*"ilink" transport/);
    expect(fx.sim.world.latestQr).toBeUndefined();
    bot = undefined;
  });

  it('shows ctx.capabilities to a plugin', async () => {
    fx = await fixture();
    let seen: unknown;
    const probe = definePlugin({
      name: 'probe',
      setup(ctx) {
        seen = ctx.capabilities;
      },
    });
    bot = new Bot({
      transport: fx.transport(),
      plugins: [{ plugin: probe, options: undefined }],
      logger: silent,
      storage: createMemoryStorage(),
    });
    await bot.start();
    await until(() => seen !== undefined);
    expect(seen).toMatchObject({ rooms: false, directChats: true, replyWindowMs: 24 * 60 * 60_000 });
  });
});
