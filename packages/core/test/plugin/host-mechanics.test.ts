import { jest } from '@jest/globals';

import { definePlugin, type PluginContext } from '../../src/plugin/define.js';
import type { LoadedPlugin } from '../../src/plugin/host.js';
import { currentCause } from '../../src/plugin/cause.js';
import type { BotContext } from '../../src/plugin/types.js';
import { friendRequestEvent, makeHost, message } from './helpers.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const load = (...plugins: LoadedPlugin['plugin'][]): LoadedPlugin[] =>
  plugins.map((plugin) => ({ plugin, options: undefined }));
const plugin = (name: string, setup: (ctx: PluginContext) => void | Promise<void>) => definePlugin({ name, setup });
const never = new Promise<never>(() => undefined);

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
