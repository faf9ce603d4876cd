import { jest } from '@jest/globals';
import { z } from 'zod';

import { definePlugin, type PluginContext } from '../../src/plugin/define.js';
import type { LoadedPlugin } from '../../src/plugin/host.js';
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
