// The transport seam from the runtime's side: a Bot over a transport that is not Web WeChat.
import { Bot, type ProcessedMessage } from '../../src/bot/bot.js';
import { ActionLog } from '../../src/plugin/actions.js';
import { definePlugin } from '../../src/plugin/define.js';
import type { TransportCapabilities } from '../../src/transport/types.js';
import { CapabilityMissing } from '../../src/transport/capabilities.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { ALICE, BOOK_CLUB, friendRequestEvent, memoryLogger, message } from '../plugin/helpers.js';
import { DIRECT_ONLY, memoryTransport, type MemoryTransport } from '../transport/helpers.js';

/** Written for Web WeChat, with no thought of transports: replies to every text. */
const echo = definePlugin({
  name: 'echo',
  setup(ctx) {
    ctx.on('message:text', (m) => m.reply(`re:${m.text}`));
  },
});

function botOn(transport: MemoryTransport, plugins: Parameters<typeof definePlugin>[0][], log = new ActionLog()) {
  const { logger, messages } = memoryLogger();
  const bot = new Bot({
    transport,
    plugins: plugins.map((p) => ({ plugin: definePlugin(p), options: undefined })),
    logger,
    storage: createMemoryStorage(),
    actionLog: log,
  });
  return { bot, messages, log };
}

describe('Bot over a non-Web transport', () => {
  test('a plugin runs unchanged: the message arrives normalised, the reply leaves through the transport', async () => {
    const transport = memoryTransport();
    const { logger } = memoryLogger();
    const bot = new Bot({
      transport,
      plugins: [{ plugin: echo, options: undefined }],
      logger,
      storage: createMemoryStorage(),
    });
    const processed: ProcessedMessage[] = [];
    bot.onProcessed((p) => processed.push(p));
    try {
      expect(await bot.start()).toBe(transport.self);
      const hi = message('hi');
      await transport.deliver(hi);
      expect(transport.calls).toEqual([{ method: 'sendText', args: [ALICE.userName, 're:hi', { cause: hi.id }] }]);
      expect(processed).toEqual([{ message: hi, dispatched: true, sentByBot: false, ms: expect.any(Number) }]);
      expect(bot.actions.all().map((r) => [r.action, r.plugin, r.status])).toEqual([['send', 'echo', 'done']]);
    } finally {
      await bot.stop();
    }
    expect(transport.state).toBe('stopped');
  });

  test('typed events the transport hands over reach plugins; none for the bot’s own messages', async () => {
    const transport = memoryTransport();
    const seen: string[] = [];
    const { bot } = botOn(transport, [
      {
        name: 'watcher',
        receiveOwnMessages: true,
        setup(ctx) {
          ctx.on('friend:request', (c) => void seen.push(`request:${c.request.nickName}`));
          ctx.on('message', (c) => void seen.push(`message:${c.text}:${c.sentByBot}`));
        },
      },
    ]);
    try {
      await bot.start();
      await transport.deliver(message('add me'), [friendRequestEvent('Carol')]);
      await transport.deliver(message('mine'), [friendRequestEvent('Echo')], true);
      expect(seen).toEqual(['message:add me:false', 'request:Carol', 'message:mine:true']);
    } finally {
      await bot.stop();
    }
  });

  test('ctx.capabilities is the transport’s', async () => {
    const transport = memoryTransport();
    let seen: TransportCapabilities | undefined;
    const { bot } = botOn(transport, [{ name: 'adapts', setup: (ctx) => void (seen = ctx.capabilities) }]);
    try {
      await bot.start();
      expect(seen).toBe(DIRECT_ONLY);
    } finally {
      await bot.stop();
    }
  });

  test('a plugin requiring what the transport lacks is refused before login, naming plugin, capability and transport', async () => {
    const transport = memoryTransport();
    const setups: string[] = [];
    const { bot } = botOn(transport, [
      { name: 'fine', setup: () => void setups.push('fine') },
      { name: 'kicker', requires: ['directChats', 'roomAdmin'], setup: () => void setups.push('kicker') },
    ]);
    const error = await bot.start().catch((e: unknown) => e);
    await bot.stop();
    expect(error).toBeInstanceOf(CapabilityMissing);
    expect(error).toMatchObject({ plugin: 'kicker', capability: 'roomAdmin', transport: 'memory', action: undefined });
    expect((error as Error).message).toBe(
      `plugin "kicker" needs the "roomAdmin" capability, which the "memory" transport does not offer: run it on an ` +
        `account whose transport offers it (transport: 'web'), or remove the plugin from this account's plugins`,
    );
    // Nothing logged in and no plugin ran: nobody scans a QR code for a bot that cannot start.
    expect(transport.starts).toBe(0);
    expect(setups).toEqual([]);
  });

  test('the same plugin loads where the transport has the capability', async () => {
    const transport = memoryTransport({ ...DIRECT_ONLY, rooms: true, roomAdmin: true });
    const { bot } = botOn(transport, [{ name: 'kicker', requires: ['rooms', 'roomAdmin'], setup() {} }]);
    try {
      await bot.start();
      expect(bot.plugins()).toEqual([{ name: 'kicker', state: 'active' }]);
    } finally {
      await bot.stop();
    }
  });

  test('an action the transport lacks rejects with CapabilityMissing; nothing reaches the transport', async () => {
    const transport = memoryTransport();
    const errors: unknown[] = [];
    const { bot, log } = botOn(transport, [
      {
        name: 'admin',
        setup(ctx) {
          ctx.on('message:text', async (m) => {
            await ctx.rooms.add(BOOK_CLUB, ['@bob']).catch((e: unknown) => errors.push(e));
            await m.reply({ video: Buffer.from('v') }).catch((e: unknown) => errors.push(e));
          });
        },
      },
    ]);
    try {
      await bot.start();
      await transport.deliver(message('go'));
      expect(errors).toHaveLength(2);
      expect(errors[0]).toBeInstanceOf(CapabilityMissing);
      expect(errors[0]).toMatchObject({ capability: 'roomAdmin', action: 'addMembers', transport: 'memory' });
      expect((errors[0] as Error).message).toMatch(/^called addMembers\(\), which needs the "roomAdmin" capability/);
      expect(errors[1]).toMatchObject({ capability: 'media.video', action: 'sendVideo' });
      expect(transport.calls).toEqual([]);
      expect(log.all().map((r) => [r.action, r.status])).toEqual([
        ['addMembers', 'failed'],
        ['send', 'failed'],
      ]);
    } finally {
      await bot.stop();
    }
  });
});

describe("the bot's own echoes are journaled only when something consumes them durably", () => {
  test('no own-message plugin and no sink: false; a sink added later: true, and false again once removed', async () => {
    const transport = memoryTransport();
    const { bot } = botOn(transport, [{ name: 'echo', setup: (ctx) => void ctx.on('message:text', () => undefined) }]);
    try {
      await bot.start();
      expect(transport.durableOwn()).toBe(false);
      const off = bot.addSink(() => Promise.resolve());
      expect(transport.durableOwn()).toBe(true);
      off();
      expect(transport.durableOwn()).toBe(false);
    } finally {
      await bot.stop();
    }
  });

  test('a plugin with receiveOwnMessages: true', async () => {
    const transport = memoryTransport();
    const { bot } = botOn(transport, [{ name: 'mirror', receiveOwnMessages: true, setup: () => undefined }]);
    try {
      await bot.start();
      expect(transport.durableOwn()).toBe(true);
    } finally {
      await bot.stop();
    }
  });
});
