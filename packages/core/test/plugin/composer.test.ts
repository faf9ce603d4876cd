import { Composer, NextCalledTwiceError, run } from '../../src/plugin/composer.js';
import { FilterQueryError } from '../../src/plugin/filter.js';
import type { BotContext, MessageContext } from '../../src/plugin/types.js';
import { ALICE, BOB, BOOK_CLUB, message } from './helpers.js';
import { createActions, ActionLog } from '../../src/plugin/actions.js';
import { fakeBackend } from './helpers.js';

function ctxOf(msg = message('hi')): MessageContext {
  const actions = createActions(fakeBackend(), new ActionLog(), { plugin: 'p', cause: msg.id });
  return {
    type: 'message',
    plugin: 'p',
    id: msg.id,
    state: {},
    actions,
    message: msg,
    text: msg.text,
    chat: msg.chat,
    sender: msg.sender,
    sentByBot: false,
    reply: (content) => actions.send(msg.chat.userName, content),
  };
}

async function through(composer: Composer<BotContext>, context: BotContext): Promise<boolean> {
  let reachedEnd = false;
  await composer.middleware()(context, async () => {
    reachedEnd = true;
  });
  return reachedEnd;
}

describe('Composer', () => {
  test('runs middleware in registration order and stops where next() is not called', async () => {
    const seen: string[] = [];
    const c = new Composer<BotContext>();
    c.use(async (_m, next) => {
      seen.push('a');
      await next();
      seen.push('a-after');
    });
    c.use((_m) => {
      seen.push('b');
    });
    c.use(() => {
      seen.push('c');
    });
    expect(await through(c, ctxOf())).toBe(false);
    expect(seen).toEqual(['a', 'b', 'a-after']);
  });

  test('calling next() twice rejects with NextCalledTwiceError', async () => {
    const c = new Composer<BotContext>();
    c.use(async (_m, next) => {
      await next();
      await next();
    });
    await expect(through(c, ctxOf())).rejects.toBeInstanceOf(NextCalledTwiceError);
  });

  test('run() with no middleware calls the final next once', async () => {
    let calls = 0;
    await run([], ctxOf(), async () => {
      calls++;
    });
    expect(calls).toBe(1);
  });

  test('on() routes by query and passes non-matching events on', async () => {
    const c = new Composer<BotContext>();
    const images: string[] = [];
    c.on('message:image', (m) => {
      images.push(m.message.kind);
    });
    expect(await through(c, ctxOf(message('', { kind: 'image' })))).toBe(false);
    expect(await through(c, ctxOf(message('text')))).toBe(true);
    expect(images).toEqual(['image']);
  });

  test('on() accepts several queries', async () => {
    const c = new Composer<BotContext>();
    let hits = 0;
    c.on(['message:image', 'message:video'], () => {
      hits++;
    });
    await through(c, ctxOf(message('', { kind: 'video' })));
    await through(c, ctxOf(message('', { kind: 'image' })));
    await through(c, ctxOf(message('x')));
    expect(hits).toBe(2);
  });

  test('an unknown query throws at registration, with a suggestion and the valid list', () => {
    const c = new Composer<BotContext>();
    const register = () => c.on('message:txt' as never, () => undefined);
    expect(register).toThrow(FilterQueryError);
    expect(register).toThrow(/unknown filter query "message:txt"\. Did you mean "message:text"\?/);
    expect(register).toThrow(/Valid queries: message, message:text, message:location/);
    expect(() => c.on('frend:request' as never)).toThrow(/Did you mean "friend:request"/);
    expect(() => c.on('zzzzzzzzzzzzzzzzzzzzz' as never)).toThrow(/^unknown filter query "zzzzzzzzzzzzzzzzzzzzz"\.\n/);
    expect(() => c.on('message:status-notify' as never)).toThrow(FilterQueryError);
    expect(() => c.on([] as never)).toThrow(TypeError);
  });

  test('hears() matches strings exactly (trimmed) and regexes, exposing the match', async () => {
    const c = new Composer<BotContext>();
    const got: string[] = [];
    c.hears('ping', (m) => {
      got.push(`exact:${m.match[0]}`);
    });
    c.hears(/^weather in (\w+)/gi, (m) => {
      got.push(`re:${m.match[1]}`);
    });
    await through(c, ctxOf(message('  ping ')));
    await through(c, ctxOf(message('ping pong')));
    await through(c, ctxOf(message('Weather in Paris')));
    await through(c, ctxOf(message('weather in Rome')));
    expect(got).toEqual(['exact:ping', 're:Paris', 're:Rome']);
  });

  test('command() parses arguments and resolves mentions against the room', async () => {
    const c = new Composer<BotContext>();
    const got: unknown[] = [];
    c.command('kick', (m) => {
      got.push({ args: m.command.args, mentions: m.command.mentions, rest: m.command.rest });
    });
    await through(c, ctxOf(message('/kick @Bob\u2005"too loud" now', { room: BOOK_CLUB })));
    await through(c, ctxOf(message('/kickban @Bob', { room: BOOK_CLUB })));
    await through(c, ctxOf(message('kick @Bob', { room: BOOK_CLUB })));
    expect(got).toEqual([
      {
        args: ['too loud', 'now'],
        mentions: [{ name: 'Bob', userName: '@bob' }],
        rest: '@Bob\u2005"too loud" now',
      },
    ]);
    expect(() => c.command('two words')).toThrow(/not a valid command name/);
  });

  test('command() honours custom prefixes and several names', async () => {
    const c = new Composer<BotContext>();
    const got: string[] = [];
    c.command(['topic', 'rename'], { prefixes: ['!', '！'] }, (m) => {
      got.push(`${m.command.name}:${m.command.args.join('|')}`);
    });
    await through(c, ctxOf(message('!rename New name')));
    await through(c, ctxOf(message('！TOPIC x')));
    await through(c, ctxOf(message('/topic x')));
    expect(got).toEqual(['rename:New|name', 'topic:x']);
  });

  test('chat matchers: privateChat, inRoom, from, mentioned', async () => {
    const c = new Composer<BotContext>();
    const got: string[] = [];
    c.privateChat((m) => {
      got.push(`private:${(m as MessageContext).text}`);
    });
    c.inRoom(/book/i)
      .from(['Bob', 'wxid_alice'])
      .mentioned((m) => {
        got.push(`room-mention:${(m as MessageContext).text}`);
      });
    c.inRoom('@@other', () => {
      got.push('never');
    });
    await through(c, ctxOf(message('dm')));
    await through(c, ctxOf(message('no mention', { room: BOOK_CLUB, from: BOB })));
    await through(c, ctxOf(message('hey bot', { room: BOOK_CLUB, from: BOB, mentionsSelf: true })));
    await through(c, ctxOf(message('alice too', { room: BOOK_CLUB, from: ALICE, mentionsSelf: true })));
    expect(got).toEqual(['private:dm', 'room-mention:hey bot', 'room-mention:alice too']);
  });

  test('filter, drop and branch', async () => {
    const c = new Composer<BotContext>();
    const got: string[] = [];
    c.drop(
      (m) => (m as MessageContext).text === 'skip',
      (_m, next) => {
        got.push('not-skipped');
        return next();
      },
    );
    c.branch(
      async (m) => (m as MessageContext).text.startsWith('a'),
      () => {
        got.push('a-branch');
      },
      () => {
        got.push('other-branch');
      },
    );
    await through(c, ctxOf(message('skip')));
    await through(c, ctxOf(message('apple')));
    expect(got).toEqual(['other-branch', 'not-skipped', 'a-branch']);
  });
});
