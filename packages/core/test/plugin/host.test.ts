import { jest } from '@jest/globals';
import { z } from 'zod';

import { definePlugin, type PluginContext } from '../../src/plugin/define.js';
import type { LoadedPlugin } from '../../src/plugin/host.js';
import { currentCause } from '../../src/plugin/cause.js';
import type { BotContext } from '../../src/plugin/types.js';
import { NotFriend, RateLimited, SendExpired, SendOutcomeUnknown } from '../../src/client/errors.js';
import { friendRequestEvent, makeHost, message, roomJoinEvent, BOOK_CLUB } from './helpers.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const load = (...plugins: LoadedPlugin['plugin'][]): LoadedPlugin[] =>
  plugins.map((plugin) => ({ plugin, options: undefined }));
const plugin = (name: string, setup: (ctx: PluginContext) => void | Promise<void>) => definePlugin({ name, setup });
const never = new Promise<never>(() => undefined);

describe('PluginHost pipeline', () => {
  test('plugins run in config order; a plugin that does not call next() ends the pipeline', async () => {
    const { host } = makeHost();
    const seen: string[] = [];
    await host.start(
      load(
        plugin('first', (ctx) => {
          ctx.use(async (_m, next) => {
            seen.push('first');
            await next();
          });
        }),
        plugin('second', (ctx) => {
          ctx.on('message:text', () => {
            seen.push('second');
          });
        }),
        plugin('third', (ctx) => {
          ctx.use(() => {
            seen.push('third');
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('hi'), sentByBot: false });
    await host.dispatch({ kind: 'message', message: message('', { kind: 'image' }), sentByBot: false });
    expect(seen).toEqual(['first', 'second', 'first', 'third']);
  });

  test('replies are sent through the backend and recorded with plugin and message id', async () => {
    const { host, backend, log } = makeHost();
    await host.start(
      load(
        plugin('echo', (ctx) => {
          ctx.on('message:text', async (m) => {
            await m.reply(m.text);
            await ctx.send('Bob', { image: '/tmp/cat.png' });
          });
        }),
      ),
    );
    const msg = message('hello');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(backend.calls.map((c) => [c.method, c.args[0]])).toEqual([
      ['sendText', '@alice'],
      ['sendImage', '@bob'],
    ]);
    expect(log.all()).toMatchObject([
      {
        seq: 1,
        action: 'send',
        plugin: 'echo',
        cause: msg.id,
        target: '@alice',
        content: { type: 'text', text: 'hello' },
        status: 'done',
      },
      {
        seq: 2,
        action: 'send',
        plugin: 'echo',
        cause: msg.id,
        target: '@bob',
        targetName: 'Bob',
        content: { type: 'image', name: 'cat.png' },
      },
    ]);
  });

  test('friend requests and room events reach matching handlers with their helpers', async () => {
    const { host, log } = makeHost();
    await host.start(
      load(
        plugin('events', (ctx) => {
          ctx.on('friend:request', async (r, next) => {
            await r.accept();
            await next();
          });
          ctx.on('room:join', async (j) => {
            await j.reply(`welcome ${j.invitees.map((p) => p.name).join(', ')}`);
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'event', event: friendRequestEvent() });
    await host.dispatch({ kind: 'event', event: roomJoinEvent() });
    expect(log.all().map((r) => [r.action, r.target])).toEqual([
      ['acceptFriend', '@carol'],
      ['send', BOOK_CLUB.userName],
    ]);
  });

  test('messages sent by the bot reach only plugins that opt in', async () => {
    const { host } = makeHost();
    const seen: string[] = [];
    await host.start(
      load(
        plugin('normal', (ctx) => {
          ctx.use(async (m, next) => {
            seen.push(`normal:${m.id}`);
            await next();
          });
        }),
        definePlugin({
          name: 'audit',
          receiveOwnMessages: true,
          setup(ctx) {
            ctx.on('message', (m) => {
              seen.push(`audit:${String(m.sentByBot)}`);
            });
          },
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('mine'), sentByBot: true });
    expect(seen).toEqual(['audit:true']);
  });

  test('state is shared across plugins for one event', async () => {
    const { host } = makeHost();
    let got: unknown;
    await host.start(
      load(
        plugin('a', (ctx) => {
          ctx.use(async (m, next) => {
            m.state['seenBy'] = 'a';
            await next();
          });
        }),
        plugin('b', (ctx) => {
          ctx.use((m) => {
            got = m.state['seenBy'];
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(got).toBe('a');
  });
});

describe('PluginHost isolation', () => {
  test('a throwing handler is logged with plugin name and message id; later plugins still run', async () => {
    const { host, lines } = makeHost();
    const seen: string[] = [];
    await host.start(
      load(
        plugin('broken', (ctx) => {
          ctx.on('message', () => {
            throw new Error('boom');
          });
        }),
        plugin('fine', (ctx) => {
          ctx.on('message', () => {
            seen.push('fine');
          });
        }),
      ),
    );
    const msg = message('x');
    await expect(host.dispatch({ kind: 'message', message: msg, sentByBot: false })).resolves.toBeUndefined();
    expect(seen).toEqual(['fine']);
    const line = lines.find((l) => l['level'] === 50);
    expect(line).toMatchObject({ plugin: 'broken', messageId: msg.id });
    expect(String(line?.['msg'])).toContain(`plugin "broken" failed handling an event (message ${msg.id}): boom`);
  });

  test('a rejected promise after next() is logged but does not run downstream twice', async () => {
    const { host, messages } = makeHost();
    const seen: string[] = [];
    await host.start(
      load(
        plugin('late', (ctx) => {
          ctx.use(async (_m, next) => {
            await next();
            throw new Error('after');
          });
        }),
        plugin('fine', (ctx) => {
          ctx.use(() => {
            seen.push('fine');
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(seen).toEqual(['fine']);
    expect(messages().some((m) => m.includes('plugin "late" failed') && m.includes('after'))).toBe(true);
  });

  test('calling next() twice is reported as that plugin failing', async () => {
    const { host, messages } = makeHost();
    const seen: string[] = [];
    await host.start(
      load(
        plugin('twice', (ctx) => {
          ctx.use(async (_m, next) => {
            await next();
            await next();
          });
        }),
        plugin('fine', (ctx) => {
          ctx.use(() => {
            seen.push('fine');
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(seen).toEqual(['fine']);
    expect(messages().some((m) => m.includes('plugin "twice" failed') && m.includes('next() was called twice'))).toBe(
      true,
    );
  });

  test('a handler that never settles times out; the event moves on; late next() is refused', async () => {
    const { host, messages } = makeHost({ handlerTimeoutMs: 30 });
    const seen: string[] = [];
    let lateNext: (() => Promise<void>) | undefined;
    await host.start(
      load(
        plugin('slow', (ctx) => {
          ctx.use(async (_m, next) => {
            lateNext = next;
            await never;
          });
        }),
        plugin('fine', (ctx) => {
          ctx.use(() => {
            seen.push('fine');
          });
        }),
      ),
    );
    const msg = message('x');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(seen).toEqual(['fine']);
    expect(messages()).toContain(`plugin "slow" timed out (message ${msg.id}): handler did not finish within 30 ms`);
    await expect(lateNext!()).rejects.toThrow(/called next\(\) after its handler timed out/);
    expect(seen).toEqual(['fine']);
  });

  test('time spent downstream in next() does not count against a plugin', async () => {
    // Each plugin spends ~100 ms of its own (well under 250); the first one's wall time (~300 ms) is not.
    const { host, messages } = makeHost({ handlerTimeoutMs: 250 });
    const sleep = () => new Promise((r) => setTimeout(r, 100));
    const seen: string[] = [];
    await host.start(
      load(
        plugin('a', (ctx) => {
          ctx.use(async (_m, next) => {
            await sleep();
            await next();
          });
        }),
        plugin('b', (ctx) => {
          ctx.use(async (_m, next) => {
            await sleep();
            await next();
          });
        }),
        plugin('c', (ctx) => {
          ctx.use(async () => {
            await sleep();
            seen.push('c');
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(seen).toEqual(['c']);
    expect(messages().filter((m) => m.includes('timed out'))).toEqual([]);
  });

  test('a plugin failing repeatedly is disabled, its timers stop, and the rest keep serving', async () => {
    const { host, messages } = makeHost({ maxFailures: 3, failureWindowMs: 60_000 });
    const seen: string[] = [];
    let disposed = false;
    let signal: AbortSignal | undefined;
    await host.start(
      load(
        plugin('flaky', (ctx) => {
          signal = ctx.signal;
          ctx.setInterval(() => undefined, 1_000_000);
          ctx.onDispose(() => {
            disposed = true;
          });
          ctx.use(async () => {
            throw new Error('nope');
          });
        }),
        plugin('fine', (ctx) => {
          ctx.use(() => {
            seen.push('fine');
          });
        }),
      ),
    );
    for (let i = 0; i < 5; i++) await host.dispatch({ kind: 'message', message: message(`m${i}`), sentByBot: false });
    expect(seen).toHaveLength(5);
    expect(messages().filter((m) => m.includes('plugin "flaky" failed'))).toHaveLength(3);
    expect(messages()).toContain(
      'plugin "flaky" disabled after 3 failures within 60000 ms; the bot keeps running without it',
    );
    expect(host.status()).toEqual([
      { name: 'flaky', state: 'disabled' },
      { name: 'fine', state: 'active' },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(disposed).toBe(true);
    expect(signal?.aborted).toBe(true);
  });

  test('a server verdict (1204, 1205, expired, outcome unknown) is logged but never counts toward disabling', async () => {
    const { host, messages } = makeHost({ maxFailures: 1, failureWindowMs: 60_000 });
    const verdicts = [
      new NotFriend('webwxsendmsg'),
      new RateLimited('webwxupdatechatroom'),
      new SendExpired('webwxsendmsg', 'c1', 700_000, 600_000),
      new SendOutcomeUnknown('webwxsendmsg', 'c2', 'no echo'),
    ];
    let i = 0;
    await host.start(
      load(
        plugin('refused', (ctx) => {
          ctx.use(async () => {
            throw verdicts[i++ % verdicts.length]!;
          });
        }),
      ),
    );
    for (let n = 0; n < 8; n++) await host.dispatch({ kind: 'message', message: message(`m${n}`), sentByBot: false });
    expect(host.status()).toEqual([{ name: 'refused', state: 'active' }]);
    expect(messages().filter((m) => m.includes('not counted as a plugin failure'))).toHaveLength(8);
    expect(messages().filter((m) => m.includes('disabled'))).toEqual([]);
  });

  test('a failing or hanging setup disables only that plugin, and undoes what it registered', async () => {
    const { host, messages } = makeHost({ setupTimeoutMs: 30 });
    const seen: string[] = [];
    await host.start(
      load(
        plugin('bad-setup', (ctx) => {
          ctx.use(() => {
            seen.push('bad');
          });
          throw new Error('no config file');
        }),
        plugin('hang', async () => {
          await never;
        }),
        plugin('good', (ctx) => {
          ctx.use(() => {
            seen.push('good');
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(seen).toEqual(['good']);
    expect(messages()).toContain('plugin "bad-setup" failed to start and is disabled: no config file');
    expect(messages()).toContain('plugin "hang" failed to start and is disabled: setup did not finish within 30 ms');
    expect(host.status().map((s) => s.state)).toEqual(['failed', 'failed', 'active']);
  });

  test('errors in timers are isolated and counted', async () => {
    const { host, messages } = makeHost();
    let fired!: () => void;
    const done = new Promise<void>((r) => (fired = r));
    await host.start(
      load(
        plugin('timer', (ctx) => {
          ctx.setTimeout(() => {
            fired();
            throw new Error('tick failed');
          }, 1);
        }),
      ),
    );
    await done;
    await new Promise((r) => setImmediate(r));
    expect(messages()).toContain('plugin "timer" timer failed: tick failed');
    await host.stop();
  });

  test('a failing action rejects in the handler and is recorded as failed', async () => {
    const { host, backend, log } = makeHost();
    backend.failNext = new Error('ret 1205');
    let caught: unknown;
    await host.start(
      load(
        plugin('sender', (ctx) => {
          ctx.use(async (m) => {
            try {
              await m.actions.send('nobody-known', 'x');
            } catch (error) {
              caught = error;
            }
            await m.actions.send('Alice', 'y').catch(() => undefined);
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(String(caught)).toContain('no contact or room has that UserName, stable id or name');
    expect(log.all()).toMatchObject([{ target: '@alice', status: 'failed', error: 'ret 1205' }]);
  });

  test('stop() disposes plugins in reverse order and later dispatches do nothing', async () => {
    const { host } = makeHost();
    const order: string[] = [];
    const seen = jestLikeCounter();
    await host.start(
      load(
        plugin('a', (ctx) => {
          ctx.onDispose(() => order.push('a'));
          ctx.use(() => seen.inc());
        }),
        plugin('b', (ctx) => {
          ctx.onDispose(() => order.push('b'));
        }),
      ),
    );
    await host.stop();
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(order).toEqual(['b', 'a']);
    expect(seen.count).toBe(0);
  });

  test('options reach setup', async () => {
    const { host } = makeHost();
    let got: unknown;
    const p = definePlugin({
      name: 'opts',
      options: z.object({ n: z.number().default(3) }),
      setup(_ctx, options) {
        got = options.n;
      },
    });
    await host.start([{ plugin: p, options: { n: 7 } }]);
    expect(got).toBe(7);
  });
});

function jestLikeCounter() {
  return {
    count: 0,
    inc() {
      this.count++;
    },
  };
}

describe('PluginHost pipeline mechanics', () => {
  test('synchronous handlers run without ticks; dispatch still waits for async ones downstream', async () => {
    const { host } = makeHost();
    const seen: string[] = [];
    await host.start(
      load(
        plugin('sync-pass', (ctx) => {
          ctx.use((_m, next) => {
            seen.push('sync-pass');
            void next(); // not awaited: the event still is not done until downstream is
          });
        }),
        plugin('sync-filter', (ctx) => {
          ctx.on('message:image', () => {
            seen.push('never');
          });
        }),
        plugin('slow', (ctx) => {
          ctx.use(async () => {
            await new Promise((r) => setTimeout(r, 20));
            seen.push('slow');
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(seen).toEqual(['sync-pass', 'slow']);
  });

  test('a context kept after next() still names its plugin and attributes its actions to it', async () => {
    const { host, log } = makeHost();
    const names: string[] = [];
    await host.start(
      load(
        plugin('outer', (ctx) => {
          ctx.on('message', async (m, next) => {
            await next();
            names.push(m.plugin);
            const { reply } = m;
            await reply('from outer');
          });
        }),
        plugin('inner', (ctx) => {
          ctx.hears('hi', async (m) => {
            names.push(m.plugin);
            await m.actions.send(m.chat, 'from inner');
          });
        }),
      ),
    );
    const msg = message('hi');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(names).toEqual(['inner', 'outer']);
    expect(log.all().map((r) => [r.plugin, r.cause, r.content])).toEqual([
      ['inner', msg.id, { type: 'text', text: 'from inner' }],
      ['outer', msg.id, { type: 'text', text: 'from outer' }],
    ]);
  });

  test('hears/command contexts keep the plugin, state, helpers and what earlier middleware put on the context', async () => {
    const { host, log } = makeHost();
    const seen: unknown[] = [];
    await host.start(
      load(
        plugin('enrich', (ctx) => {
          ctx.use((m, next) => {
            (m as unknown as { extra: string }).extra = 'added';
            m.state['shared'] = 1;
            return next();
          });
          // Nested matchers: the command context also has hears' match.
          ctx.hears(/^\/(\w+)/).command('hello', (m) => {
            const c = m as typeof m & { readonly match: RegExpExecArray; readonly extra: string };
            seen.push([c.plugin, c.match[1], c.command.name, c.extra, c.state]);
            return c.reply('hi');
          });
        }),
      ),
    );
    const msg = message('/hello there');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(seen).toEqual([['enrich', 'hello', 'hello', 'added', { shared: 1 }]]);
    expect(log.all()).toMatchObject([{ plugin: 'enrich', cause: msg.id, content: { type: 'text', text: 'hi' } }]);
  });

  test('a downstream timeout resumes the waiting plugin, which is not charged for it', async () => {
    const { host, messages, log } = makeHost({ handlerTimeoutMs: 40 });
    const seen: string[] = [];
    await host.start(
      load(
        plugin('waits', (ctx) => {
          ctx.use(async (_m, next) => {
            await next();
            seen.push('waits resumed');
          });
        }),
        plugin('hangs', (ctx) => {
          ctx.use(async (m, next) => {
            if (m.type === 'message' && m.text === 'warm-up') return next();
            await never;
          });
        }),
        plugin('after', (ctx) => {
          ctx.use(async (m) => {
            if (m.type === 'message' && m.text === 'warm-up') return;
            await new Promise((r) => setTimeout(r, 1));
            // Scope-level actions read the message from async context, also when a timer started this handler.
            await ctx.send('Alice', 'after');
          });
        }),
      ),
    );
    // The warm-up arms the host's timeout timer while handling another message.
    await host.dispatch({ kind: 'message', message: message('warm-up'), sentByBot: false });
    seen.length = 0;
    const msg = message('x');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(seen).toEqual(['waits resumed']);
    expect(messages().filter((m) => m.includes('timed out'))).toEqual([
      `plugin "hangs" timed out (message ${msg.id}): handler did not finish within 40 ms`,
    ]);
    expect(log.all()).toMatchObject([{ plugin: 'after', cause: msg.id, target: '@alice' }]);
  });

  test('a timed-out handler that fails later is logged as a warning, and the event is not passed on twice', async () => {
    const { host, lines } = makeHost({ handlerTimeoutMs: 20 });
    let fail!: (error: Error) => void;
    let downstream = 0;
    await host.start(
      load(
        plugin('late', (ctx) => {
          ctx.use(() => new Promise((_resolve, reject) => (fail = reject)));
        }),
        plugin('counts', (ctx) => {
          ctx.use(() => {
            downstream++;
          });
        }),
      ),
    );
    const msg = message('x');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    fail(new Error('too late'));
    await new Promise((r) => setImmediate(r));
    expect(downstream).toBe(1);
    expect(lines.find((l) => l['level'] === 40)).toMatchObject({
      plugin: 'late',
      messageId: msg.id,
      msg: 'plugin "late": a timed-out handler failed later',
    });
  });

  test('concurrent events time out independently', async () => {
    const { host, messages } = makeHost({ handlerTimeoutMs: 30 });
    await host.start(
      load(
        plugin('picky', (ctx) => {
          ctx.use(async (m) => {
            if (m.type === 'message' && m.text === 'hang') await never;
            await new Promise((r) => setTimeout(r, 5));
          });
        }),
      ),
    );
    const hang = message('hang');
    const fine = message('fine');
    await Promise.all([
      host.dispatch({ kind: 'message', message: hang, sentByBot: false }),
      host.dispatch({ kind: 'message', message: fine, sentByBot: false }),
    ]);
    expect(messages().filter((m) => m.includes('timed out'))).toEqual([
      `plugin "picky" timed out (message ${hang.id}): handler did not finish within 30 ms`,
    ]);
  });
});

describe('PluginHost attribution of scope-level actions (ctx.send on the setup context)', () => {
  const text = (m: BotContext): string => (m.type === 'message' ? m.text : '');

  test('the async context is entered only once some plugin has used scope-level actions while serving', async () => {
    const { host } = makeHost();
    const seen: (string | undefined)[] = [];
    await host.start(
      load(
        plugin('reads', (ctx) => {
          ctx.use(async (m, next) => {
            await Promise.resolve();
            seen.push(currentCause.getStore());
            if (text(m) === 'send') await ctx.send('Alice', 'hi');
            await next();
          });
        }),
      ),
    );
    const first = message('plain');
    const second = message('send');
    const third = message('plain');
    for (const msg of [first, second, third]) await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(seen).toEqual([undefined, undefined, third.id]);
  });

  test('the first uses are attributed too: synchronously, after awaits, and downstream of an awaited next()', async () => {
    const { host, log } = makeHost();
    await host.start(
      load(
        plugin('slow-first', (ctx) => {
          ctx.use(async (_m, next) => {
            await new Promise((r) => setTimeout(r, 1));
            await next();
          });
        }),
        plugin('sync', (ctx) => {
          ctx.use((_m, next) => {
            void ctx.send('Alice', 'sync');
            return next();
          });
        }),
        plugin('later', (ctx) => {
          ctx.use(async () => {
            await new Promise((r) => setTimeout(r, 1));
            await ctx.send('Bob', 'later');
          });
        }),
      ),
    );
    const msg = message('x');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(log.all().map((r) => [r.plugin, r.cause])).toEqual([
      ['sync', msg.id],
      ['later', msg.id],
    ]);
  });

  test('once tracking, concurrent messages, timers started by a handler and setup-time jobs are attributed exactly', async () => {
    const { host, log } = makeHost();
    let tick: (() => void) | undefined;
    await host.start(
      load(
        plugin('p', (ctx) => {
          // A job registered in setup belongs to no message, even while messages are in flight.
          tick = () => void ctx.send('Alice', 'job');
          ctx.use(async (m) => {
            const t = text(m);
            if (t === 'warm-up') {
              await ctx.send('Alice', 'warm-up');
              return;
            }
            await new Promise((r) => setTimeout(r, t === 'a' ? 6 : 1));
            await ctx.send('Alice', t);
            await new Promise<void>((resolve) => {
              setTimeout(() => {
                void ctx.send('Bob', `${t} timer`).then(() => resolve());
              }, 1);
            });
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'message', message: message('warm-up'), sentByBot: false });
    const a = message('a');
    const b = message('b');
    const both = Promise.all([
      host.dispatch({ kind: 'message', message: a, sentByBot: false }),
      host.dispatch({ kind: 'message', message: b, sentByBot: false }),
    ]);
    tick!();
    await both;
    const sent = log
      .all()
      .slice(1)
      .map((r) => [r.cause, (r.content as { text?: string } | undefined)?.text]);
    expect(sent).toEqual(
      expect.arrayContaining([
        [undefined, 'job'],
        [a.id, 'a'],
        [a.id, 'a timer'],
        [b.id, 'b'],
        [b.id, 'b timer'],
      ]),
    );
    expect(sent).toHaveLength(5);
  });
});

describe('PluginHost logging', () => {
  test('what a plugin logs of the records it holds never carries the skey or a verify ticket', async () => {
    const { host, lines } = makeHost();
    const skey = '@crypt_0123abcd_secret';
    const contact = {
      userName: '@alice',
      nickName: 'Alice',
      raw: { UserName: '@alice', HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=@alice&skey=${skey}` },
    };
    const wire = { MsgId: '1', MsgType: 37, RecommendInfo: { UserName: '@carol', Ticket: 'v2_ticket_secret' } };
    await host.start(
      load(
        plugin('chatty', (ctx) => {
          ctx.on('friend:request', (e) => {
            ctx.logger.info({ contact }, 'a contact');
            ctx.logger.info({ event: e }, 'an event');
            ctx.logger.info(e.request, 'a request');
            ctx.logger.info({ message: { raw: wire } }, 'a wire message');
            ctx.logger.info(contact.raw, 'a wire contact');
          });
        }),
      ),
    );
    await host.dispatch({ kind: 'event', event: friendRequestEvent() });
    const out = JSON.stringify(lines);
    expect(lines.map((l) => l['msg'])).toEqual([
      'plugin "chatty" started',
      'a contact',
      'an event',
      'a request',
      'a wire message',
      'a wire contact',
    ]);
    expect(out).not.toContain(skey);
    expect(out).not.toContain('v2_ticket_secret');
    expect(out).not.toContain('ticket-1');
    // A censored URL keeps what is not secret.
    expect(out).toContain('/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=@alice&skey=[redacted]');
  });
});

describe('PluginHost baseDir', () => {
  test('plugins see the directory their options are relative to: the one given, else the working directory', async () => {
    const seen: string[] = [];
    const probe = plugin('probe', (ctx) => {
      seen.push(ctx.baseDir);
    });
    await makeHost({ baseDir: '/srv/bot' }).host.start(load(probe));
    await makeHost().host.start(load(probe));
    expect(seen).toEqual(['/srv/bot', process.cwd()]);
  });
});

describe('PluginHost setup failures and settings', () => {
  test('a setup that throws a non-Error is logged and left out; the plugins after it still start', async () => {
    const { host, messages } = makeHost();
    const started: string[] = [];
    await host.start(
      load(
        plugin('throws-undefined', () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw undefined;
        }),
        plugin('rejects-bare', () => Promise.reject()), // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors
        plugin('fine', () => {
          started.push('fine');
        }),
      ),
    );
    expect(started).toEqual(['fine']);
    expect(host.status()).toEqual([
      { name: 'throws-undefined', state: 'failed' },
      { name: 'rejects-bare', state: 'failed' },
      { name: 'fine', state: 'active' },
    ]);
    expect(messages()).toContain('plugin "throws-undefined" failed to start and is disabled: undefined');
  });

  test('a setting spelled out as undefined means its default, not an undefined timeout', async () => {
    const { host } = makeHost({ setupTimeoutMs: undefined, handlerTimeoutMs: undefined });
    await host.start(load(plugin('slow-ish', () => new Promise<void>((r) => setTimeout(r, 20)))));
    expect(host.status()).toEqual([{ name: 'slow-ish', state: 'active' }]);
  });
});
