import {
  ActionLog,
  PluginHost,
  WEB_CAPABILITIES,
  createLogger,
  createMemoryStorage,
  type HostTransport,
  type TransportCapabilities,
} from '@wxbot/core';
import { defaultWorld } from '@wxbot/simulator';
import { createTestBot, type TestBot } from '@wxbot/core/testing';

import autoreply, { type AutoreplyOptions } from '../src/index.js';
import { manualClock, tempDir } from './helpers.js';

const ROOM = '测试群';
let bot: TestBot | undefined;

afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** No cooldowns unless a test sets them, so each test sees only the option it is about. */
const OPEN = { chatMs: 0, userMs: 0, maxPerUser: 1000 };

async function start(options: AutoreplyOptions, world = defaultWorld()): Promise<TestBot> {
  bot = await createTestBot({ plugins: [[autoreply, { cooldown: OPEN, ...options }]], world });
  return bot;
}

const texts = (records: readonly { content?: { type: string; text?: string } }[]) =>
  records.map((r) => (r.content?.type === 'text' ? r.content.text : r.content?.type));

describe('triggers', () => {
  it('matches keywords anywhere, case-insensitively unless caseSensitive', async () => {
    const b = await start({ rules: [{ keyword: ['price', 'cost'], reply: '¥42' }] });
    expect(texts(await b.receive('What is the PRICE?', { from: 'Alice' }))).toEqual(['¥42']);
    expect(texts(await b.receive('how much does it cost', { from: 'Bob' }))).toEqual(['¥42']);
    expect(await b.receive('hello', { from: 'Alice' })).toEqual([]);
    await b.close();

    const strict = await start({ caseSensitive: true, rules: [{ keyword: 'price', reply: '¥42' }] });
    expect(await strict.receive('PRICE', { from: 'Alice' })).toEqual([]);
    expect(texts(await strict.receive('the price', { from: 'Alice' }))).toEqual(['¥42']);
  });

  it('matches exact text (trimmed) only', async () => {
    const b = await start({ rules: [{ exact: ['hi', 'hello'], reply: 'hey' }] });
    expect(texts(await b.receive('  Hello ', { from: 'Alice' }))).toEqual(['hey']);
    expect(await b.receive('hi there', { from: 'Alice' })).toEqual([]);
  });

  it('puts regex captures (numbered and named, RegExp or string source with flags) into the reply', async () => {
    const b = await start({
      rules: [
        { regex: /^order (?<id>\d+) for (\w+)$/, reply: 'Order #$<id> noted for $2 ($$0 fee)' },
        { regex: '^track (\\w+)$', flags: 'i', reply: 'Tracking $1' },
      ],
    });
    expect(texts(await b.receive('order 12 for Bob', { from: 'Alice' }))).toEqual(['Order #12 noted for Bob ($0 fee)']);
    expect(texts(await b.receive('TRACK ab12', { from: 'Alice' }))).toEqual(['Tracking ab12']);
  });

  it('accepts a match function, whose array result provides captures', async () => {
    const b = await start({
      rules: [
        {
          match: (text) => (text.length > 10 ? null : (/^(\d+)\+(\d+)$/.exec(text)?.slice(0) ?? null)),
          reply: '$1 plus $2',
        },
        { match: (_text, m) => m.sender.name === 'Bob', reply: 'hi Bob' },
      ],
    });
    expect(texts(await b.receive('2+3', { from: 'Alice' }))).toEqual(['2 plus 3']);
    expect(texts(await b.receive('anything', { from: 'Bob' }))).toEqual(['hi Bob']);
    expect(await b.receive('anything', { from: 'Alice' })).toEqual([]);
  });
});

describe('replies', () => {
  it('picks a random text with the injected random source', async () => {
    let next = 0;
    const b = await start({
      random: () => [0, 0.99, 0.5][next++ % 3]!,
      rules: [{ keyword: 'joke', reply: ['a', 'b', 'c'] }],
    });
    const got: unknown[] = [];
    for (let i = 0; i < 3; i++) got.push(...texts(await b.receive('joke', { from: 'Alice' })));
    expect(got).toEqual(['a', 'c', 'b']);
  });

  it('sends images and files', async () => {
    const tmp = await tempDir();
    try {
      const image = await tmp.file('menu.png', Buffer.from('89504e470d0a1a0a0000', 'hex'));
      const file = await tmp.file('price-list.pdf', '%PDF-1.4 price list');
      const b = await start({
        rules: [
          { keyword: 'menu', reply: { image } },
          { keyword: 'prices', reply: { file, name: 'prices.pdf' } },
        ],
      });
      const [img] = await b.receive('menu please', { from: 'Alice' });
      expect(img).toMatchObject({ content: { type: 'image', name: 'menu.png' }, status: 'done' });
      const [doc] = await b.receive('prices?', { from: 'Alice', room: ROOM });
      expect(doc).toMatchObject({ content: { type: 'file', name: 'prices.pdf' }, status: 'done' });
      expect(b.wireActions().map((a) => a.endpoint)).toEqual(
        expect.arrayContaining(['webwxsendmsgimg', 'webwxsendappmsg']),
      );
    } finally {
      await tmp.cleanup();
    }
  });

  it('awaits reply functions; undefined falls through to the next rule and a throwing one is skipped', async () => {
    const seen: string[] = [];
    const b = await start({
      rules: [
        {
          regex: /^weather (\w+)$/,
          reply: async ({ match, message, text }) => {
            seen.push(`${message.sender.name ?? '?'}:${text}`);
            await new Promise((r) => setTimeout(r, 5));
            return match.groups[1] === 'mars' ? undefined : `Sunny in ${match.groups[1]}`;
          },
        },
        { keyword: 'boom', reply: () => Promise.reject(new Error('backend down')) },
        { keyword: 'weather', reply: 'I only know Earth weather' },
        { keyword: 'boom', reply: { text: 'fallback' } },
      ],
    });
    expect(texts(await b.receive('weather paris', { from: 'Alice' }))).toEqual(['Sunny in paris']);
    expect(texts(await b.receive('weather mars', { from: 'Alice' }))).toEqual(['I only know Earth weather']);
    expect(texts(await b.receive('boom', { from: 'Alice' }))).toEqual(['fallback']);
    expect(seen).toEqual(['Alice:weather paris', 'Alice:weather mars']);
    expect(b.bot.plugins()).toEqual([{ name: '@wxbot/plugin-autoreply', state: 'active' }]);
  });

  it('answers with the first matching rule, or with every one in mode "all"', async () => {
    const rules = [
      { keyword: 'help', reply: 'one' },
      { keyword: 'help', reply: 'two' },
    ];
    const first = await start({ rules });
    expect(texts(await first.receive('help', { from: 'Alice' }))).toEqual(['one']);
    await first.close();
    const all = await start({ rules, mode: 'all' });
    expect(texts(await all.receive('help', { from: 'Alice' }))).toEqual(['one', 'two']);
  });
});

describe('scope', () => {
  const rules = [{ keyword: 'ping', reply: 'pong' }];

  it('limits rules to private chats or rooms', async () => {
    const priv = await start({ rules, chats: 'private' });
    expect(await priv.receive('ping', { from: 'Alice', room: ROOM })).toEqual([]);
    expect(texts(await priv.receive('ping', { from: 'Alice' }))).toEqual(['pong']);
    await priv.close();
    const rooms = await start({ rules, chats: 'rooms' });
    expect(await rooms.receive('ping', { from: 'Alice' })).toEqual([]);
    expect(texts(await rooms.receive('ping', { from: 'Alice', room: ROOM }))).toEqual(['pong']);
  });

  it('limits rules to listed chats by stable id, room topic or remark name', async () => {
    const b = await start({ rules, only: ['1000000002@chatroom', 'Carol', 'wxid_bob'] });
    expect(texts(await b.receive('ping', { from: 'Alice', room: 'Family' }))).toEqual(['pong']);
    expect(await b.receive('ping', { from: 'Alice', room: ROOM })).toEqual([]);
    expect(texts(await b.receive('ping', { from: 'Carol' }))).toEqual(['pong']);
    expect(texts(await b.receive('ping', { from: 'Bob' }))).toEqual(['pong']);
    expect(await b.receive('ping', { from: 'Alice' })).toEqual([]);
    await b.close();
    const byTopic = await start({ rules, only: [ROOM] });
    expect(texts(await byTopic.receive('ping', { from: 'Bob', room: ROOM }))).toEqual(['pong']);
    expect(await byTopic.receive('ping', { from: 'Alice', room: 'Family' })).toEqual([]);
  });

  it('in rooms answers only @-mentions when mentionOnly, and still matches exact text after the mention', async () => {
    const b = await start({ mentionOnly: true, rules: [{ exact: 'ping', reply: 'pong' }] });
    expect(await b.receive('ping', { from: 'Alice', room: ROOM })).toEqual([]);
    expect(texts(await b.receive('@Bot\u2005ping', { from: 'Alice', room: ROOM }))).toEqual(['pong']);
    expect(texts(await b.receive('ping', { from: 'Alice' }))).toEqual(['pong']);
  });

  it('matches exact and anchored regex rules after a mention typed with a normal space', async () => {
    const b = await start({
      mentionOnly: true,
      rules: [
        { exact: 'hi', reply: 'hello' },
        { regex: '^order (\\d+)$', reply: 'order $1' },
      ],
    });
    expect(texts(await b.receive('@Bot hi', { from: 'Alice', room: ROOM }))).toEqual(['hello']);
    expect(texts(await b.receive('@Bot\u2005hi', { from: 'Alice', room: ROOM }))).toEqual(['hello']);
    expect(texts(await b.receive('@Bot order 42', { from: 'Alice', room: ROOM }))).toEqual(['order 42']);
  });

  it('addresses the asker by room display name when addressAsker', async () => {
    const b = await start({ addressAsker: true, rules });
    expect(texts(await b.receive('ping', { from: 'Erin', room: ROOM }))).toEqual(['@E\u2005pong']);
    expect(texts(await b.receive('ping', { from: 'Alice' }))).toEqual(['pong']);
  });

  it('lets a rule override chats, only, mentionOnly and addressAsker', async () => {
    const b = await start({
      chats: 'private',
      rules: [
        { keyword: 'rules', reply: 'room rules: be nice', chats: 'rooms', addressAsker: true, only: [ROOM] },
        { keyword: 'quiet', reply: 'shh', chats: 'all', mentionOnly: true },
        { keyword: 'ping', reply: 'pong' },
      ],
    });
    expect(texts(await b.receive('rules?', { from: 'Bob', room: ROOM }))).toEqual(['@Bob\u2005room rules: be nice']);
    expect(await b.receive('rules?', { from: 'Alice', room: 'Family' })).toEqual([]);
    expect(await b.receive('rules?', { from: 'Bob' })).toEqual([]);
    expect(await b.receive('quiet', { from: 'Bob', room: ROOM })).toEqual([]);
    expect(texts(await b.receive('@Bot\u2005quiet', { from: 'Bob', room: ROOM }))).toEqual(['shh']);
    expect(await b.receive('ping', { from: 'Bob', room: ROOM })).toEqual([]);
  });
});

describe('never answers itself, ignores other bots', () => {
  it('ignores what the owner types on the phone, and its own echoed replies', async () => {
    const b = await start({ rules: [{ keyword: 'hi', reply: 'hi! (auto)' }] });
    expect(await b.receive('hi all', { from: 'wxid_bot', room: ROOM })).toEqual([]);
    expect(texts(await b.receive('hi', { from: 'Alice' }))).toEqual(['hi! (auto)']);
    // The reply contains its own trigger and comes back through sync; it must not be answered.
    await new Promise((r) => setTimeout(r, 300));
    expect(b.replies()).toEqual(['hi! (auto)']);
  });

  it('never answers ignored senders, by stable id or name', async () => {
    const b = await start({ ignore: ['wxid_bob', 'E'], rules: [{ keyword: 'ping', reply: 'pong' }] });
    expect(await b.receive('ping', { from: 'Bob', room: ROOM })).toEqual([]);
    expect(await b.receive('ping', { from: 'Erin', room: ROOM })).toEqual([]);
    expect(texts(await b.receive('ping', { from: 'Alice', room: ROOM }))).toEqual(['pong']);
  });
});

describe('cooldowns, caps and quiet hours', () => {
  const rules = [{ keyword: 'ping', reply: 'pong' }];

  it('stays silent in a chat for chatMs after answering there', async () => {
    const clock = manualClock();
    const b = await start({ rules, now: clock.now, cooldown: { chatMs: 10_000, userMs: 0 } });
    expect(texts(await b.receive('ping', { from: 'Alice', room: ROOM }))).toEqual(['pong']);
    expect(await b.receive('ping', { from: 'Bob', room: ROOM })).toEqual([]);
    expect(texts(await b.receive('ping', { from: 'Bob' }))).toEqual(['pong']); // another chat
    clock.advance(10_000);
    expect(texts(await b.receive('ping', { from: 'Bob', room: ROOM }))).toEqual(['pong']);
  });

  it('ignores one person for userMs after answering them, others still get answers', async () => {
    const clock = manualClock();
    const b = await start({ rules, now: clock.now, cooldown: { chatMs: 0, userMs: 30_000 } });
    expect(texts(await b.receive('ping', { from: 'Alice', room: ROOM }))).toEqual(['pong']);
    clock.advance(29_999);
    expect(await b.receive('ping', { from: 'Alice', room: ROOM })).toEqual([]);
    expect(texts(await b.receive('ping', { from: 'Bob', room: ROOM }))).toEqual(['pong']);
    clock.advance(1);
    expect(texts(await b.receive('ping', { from: 'Alice', room: ROOM }))).toEqual(['pong']);
  });

  it('a message flood from one person gets one answer', async () => {
    const clock = manualClock();
    const b = await start({ rules, now: clock.now, cooldown: { chatMs: 1_000, userMs: 5_000 } });
    for (let i = 0; i < 30; i++) {
      await b.receive(`ping ${i}`, { from: 'Bob', room: ROOM });
      clock.advance(100);
    }
    expect(b.replies()).toEqual(['pong']);
  });

  it('two auto-replying bots in one room stop after maxPerUser answers per window', async () => {
    const world = defaultWorld();
    const clock = manualClock();
    const b = await start(
      {
        rules: [{ keyword: 'ping', reply: 'pong' }],
        now: clock.now,
        cooldown: { chatMs: 2_000, userMs: 5_000, maxPerUser: 3, windowMs: 600_000 },
      },
      world,
    );
    // Bob runs another bot that answers every "pong" with "ping", as fast as its cooldown allows.
    let exchanges = 0;
    for (let i = 0; i < 20; i++) {
      clock.advance(6_000);
      const caused = await b.receive('ping', { from: 'Bob', room: ROOM });
      exchanges += caused.length;
    }
    expect(exchanges).toBe(3);
    clock.advance(600_000);
    expect(texts(await b.receive('ping', { from: 'Bob', room: ROOM }))).toEqual(['pong']);
  });

  it('keeps quiet hours, including a range across midnight', async () => {
    const clock = manualClock();
    const b = await start({ rules, now: clock.now, quietHours: { from: '23:00', to: '07:30' } });
    clock.at('23:30');
    expect(await b.receive('ping', { from: 'Alice' })).toEqual([]);
    clock.at('03:00');
    expect(await b.receive('ping', { from: 'Alice' })).toEqual([]);
    clock.at('07:30');
    expect(texts(await b.receive('ping', { from: 'Alice' }))).toEqual(['pong']);
    clock.at('22:59');
    expect(texts(await b.receive('ping', { from: 'Alice' }))).toEqual(['pong']);
  });

  it('has cooldowns by default (one answer per burst)', async () => {
    bot = await createTestBot({ plugins: [[autoreply, { rules }]] });
    await bot.receive('ping', { from: 'Alice' });
    await bot.receive('ping', { from: 'Alice' });
    expect(bot.replies()).toEqual(['pong']);
  });
});

describe('admins of the reload command', () => {
  it('match only strong identities: a weak (name-based) id, which namesakes share, never passes', async () => {
    const { isAdmin } = await import('../src/plugin.js');
    const contact = (userName: string) =>
      ({
        userName,
        stableId: 'weak:friend:Alice',
        stableIdConfidence: 'weak',
        remarkName: '',
      }) as unknown as Parameters<typeof isAdmin>[1]['contact'];
    for (const userName of ['@alice', '@impostor'])
      expect(
        isAdmin(['weak:friend:Alice'], { isSelf: false, stableId: 'weak:friend:Alice', contact: contact(userName) }),
      ).toBe(false);
    expect(isAdmin(['wxid_alice'], { isSelf: false, stableId: 'wxid_alice', contact: undefined })).toBe(true);
    expect(isAdmin([], { isSelf: true, stableId: undefined, contact: undefined })).toBe(true);
  });
});

/** A plugin host on a transport like the official bot API: direct chats only, no rooms, no friend requests. */
function officialBotHost(): PluginHost {
  const capabilities: TransportCapabilities = {
    ...WEB_CAPABILITIES,
    rooms: false,
    friendRequests: false,
    addFriends: false,
    roomAdmin: false,
    recall: false,
    replyWindowMs: 86_400_000,
  };
  return new PluginHost({
    logger: createLogger({ level: 'silent' }),
    storage: createMemoryStorage(),
    log: new ActionLog(),
    transport: {
      name: 'ilink',
      capabilities,
      contacts: {} as HostTransport['contacts'],
      sendText: () => Promise.reject(new Error('unused')),
    },
  });
}

describe('capabilities', () => {
  it('needs what its chats option names: private chats run on a transport without rooms, rooms-only is refused', () => {
    const host = officialBotHost();
    expect(() => host.check([{ plugin: autoreply, options: { chats: 'all' } }])).not.toThrow();
    expect(() => host.check([{ plugin: autoreply, options: { chats: 'private' } }])).not.toThrow();
    expect(() => host.check([{ plugin: autoreply, options: { chats: 'rooms' } }])).toThrow(
      /^plugin "@wxbot\/plugin-autoreply" needs the "rooms" capability, which the "ilink" transport/,
    );
  });
});
