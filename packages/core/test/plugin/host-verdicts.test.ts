/**
 * What PluginHost does not count against a plugin (issue 13 item 1): a server's
 * verdict on an action, and a handler that timed out only because its own
 * action is still waiting in the outbound queue. Real timers of tens of ms; no sleeps.
 */
import { jest } from '@jest/globals';

import { RateLimited } from '../../src/client/errors.js';
import { definePlugin, type PluginContext } from '../../src/plugin/define.js';
import type { LoadedPlugin } from '../../src/plugin/host.js';
import { makeHost, message } from './helpers.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const load = (name: string, setup: (ctx: PluginContext) => void): LoadedPlugin[] => [
  { plugin: definePlugin({ name, setup }), options: undefined },
];
const never = (): Promise<never> => new Promise<never>(() => undefined);

describe('PluginHost: what is not the plugin’s fault', () => {
  test('a handler timing out while its own send waits in the queue is warned about, not counted', async () => {
    const { host, backend, lines } = makeHost({ handlerTimeoutMs: 30, maxFailures: 1 });
    // The send is queued (paced or held by 1205): it never settles while the handler waits for it.
    backend.sendText = never;
    await host.start(
      load('patient', (ctx) => {
        ctx.on('message:text', async (m) => {
          await m.reply('later');
        });
      }),
    );
    const msg = message('x');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(host.status()).toEqual([{ name: 'patient', state: 'active' }]);
    const line = lines.find((l) => String(l['msg']).includes('timed out'));
    expect(line).toMatchObject({
      level: 40,
      plugin: 'patient',
      messageId: msg.id,
      msg: `plugin "patient" timed out (message ${msg.id}): handler did not finish within 30 ms (its action is still waiting in the queue, not counted as a plugin failure)`,
    });
  });

  test('a handler that hangs with no action of its own waiting is counted', async () => {
    const { host, backend, messages } = makeHost({ handlerTimeoutMs: 30, maxFailures: 1 });
    backend.sendText = never;
    let first = true;
    await host.start(
      load('hangs', (ctx) => {
        ctx.on('message:text', async (m) => {
          // The first message leaves a send waiting; the second hangs on nothing of its own.
          if (first) {
            first = false;
            void m.reply('queued');
            return;
          }
          await never();
        });
      }),
    );
    await host.dispatch({ kind: 'message', message: message('a'), sentByBot: false });
    const second = message('b');
    await host.dispatch({ kind: 'message', message: second, sentByBot: false });
    expect(host.status()).toEqual([{ name: 'hangs', state: 'disabled' }]);
    expect(messages()).toContain(
      `plugin "hangs" timed out (message ${second.id}): handler did not finish within 30 ms`,
    );
  });

  test('another plugin’s waiting send for the same message does not excuse a hang', async () => {
    const { host, backend } = makeHost({ handlerTimeoutMs: 30, maxFailures: 1 });
    backend.sendText = never;
    await host.start([
      ...load('sender', (ctx) => {
        ctx.use((m, next) => {
          if (m.type === 'message') void m.reply('queued');
          return next();
        });
      }),
      ...load('hangs', (ctx) => {
        ctx.use(() => never());
      }),
    ]);
    await host.dispatch({ kind: 'message', message: message('a'), sentByBot: false });
    expect(host.status()).toEqual([
      { name: 'sender', state: 'active' },
      { name: 'hangs', state: 'disabled' },
    ]);
  });

  test('a thrown error that is not a timeout is counted even while a send of the plugin waits', async () => {
    const { host, backend } = makeHost({ maxFailures: 1 });
    backend.sendText = never;
    await host.start(
      load('throws', (ctx) => {
        ctx.on('message:text', (m) => {
          void m.reply('queued');
          throw new Error('bug');
        });
      }),
    );
    await host.dispatch({ kind: 'message', message: message('a'), sentByBot: false });
    expect(host.status()).toEqual([{ name: 'throws', state: 'disabled' }]);
  });

  test('a verdict is a warning naming the message; one outside any message names none', async () => {
    const { host, lines } = makeHost({ maxFailures: 1 });
    let fire!: () => Promise<void>;
    await host.start(
      load('refused', (ctx) => {
        ctx.on('message:text', () => {
          throw new RateLimited('webwxsendmsg');
        });
        fire = () =>
          new Promise<void>((done) => {
            ctx.setTimeout(() => {
              throw new RateLimited('webwxsendmsg');
            }, 0);
            // Timers of one delay fire in order: this one runs once the failure above was reported.
            ctx.setTimeout(done, 0);
          });
      }),
    );
    const msg = message('a');
    await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    await fire();
    const warned = lines.filter((l) => String(l['msg']).includes('a server verdict'));
    expect(warned.map((l) => [l['level'], l['messageId'], l['msg']])).toEqual([
      [
        40,
        msg.id,
        `plugin "refused" failed handling an event (message ${msg.id}): ${new RateLimited('webwxsendmsg').message} (a server verdict, not counted as a plugin failure)`,
      ],
      [40, undefined, expect.stringMatching(/^plugin "refused" timer failed: .* \(a server verdict, not counted/)],
    ]);
    expect(host.status()).toEqual([{ name: 'refused', state: 'active' }]);
  });

  test('a handler excused that way does not stall its chat: the chat’s next message still reaches the plugin', async () => {
    const { host, backend } = makeHost({ handlerTimeoutMs: 30 });
    backend.sendText = never;
    const seen: string[] = [];
    await host.start(
      load('patient', (ctx) => {
        ctx.on('message:text', async (m) => {
          seen.push(m.text);
          if (m.text === 'first') await m.reply('later');
        });
      }),
    );
    await host.dispatch({ kind: 'message', message: message('first'), sentByBot: false }, 'chat-1');
    await host.dispatch({ kind: 'message', message: message('second'), sentByBot: false }, 'chat-1');
    expect(seen).toEqual(['first', 'second']);
  });

  test('failures after a plugin was disabled are logged but do not disable it again', async () => {
    const { host, messages } = makeHost({ maxFailures: 1 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await host.start(
      load('flaky', (ctx) => {
        ctx.on('message:text', async (m) => {
          await held;
          throw new Error(`bug ${m.text}`);
        });
      }),
    );
    const both = Promise.all([
      host.dispatch({ kind: 'message', message: message('a'), sentByBot: false }),
      host.dispatch({ kind: 'message', message: message('b'), sentByBot: false }),
    ]);
    release();
    await both;
    expect(messages().filter((m) => m.includes('bug'))).toHaveLength(2);
    expect(messages().filter((m) => m.includes('disabled after'))).toEqual([
      'plugin "flaky" disabled after 1 failures within 60000 ms; the bot keeps running without it',
    ]);
  });
});
