/**
 * Which message a scope-level action (ctx.send on the setup context) is
 * attributed to before the host tracks causes through async context, and
 * what stop() and setup timers leave behind. See host.test.ts for the rest.
 */
import { jest } from '@jest/globals';

import { currentCause } from '../../src/plugin/cause.js';
import { definePlugin, type PluginContext } from '../../src/plugin/define.js';
import type { LoadedPlugin } from '../../src/plugin/host.js';
import type { BotContext } from '../../src/plugin/types.js';
import { makeHost, message } from './helpers.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const plugin = (name: string, setup: (ctx: PluginContext) => void | Promise<void>): LoadedPlugin => ({
  plugin: definePlugin({ name, setup }),
  options: undefined,
});
const text = (m: BotContext): string => (m.type === 'message' ? m.text : '');

/** A promise and its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('PluginHost attribution before tracking', () => {
  test('a scope-level action during setup does not turn tracking on: only one while serving does', async () => {
    const { host } = makeHost();
    const seen: (string | undefined)[] = [];
    await host.start([
      plugin('reads', async (ctx) => {
        await ctx.send('Alice', 'hello from setup');
        ctx.use(async (m, next) => {
          await Promise.resolve();
          seen.push(currentCause.getStore());
          if (text(m) === 'send') await ctx.send('Alice', 'hi');
          await next();
        });
      }),
    ]);
    const msgs = [message('plain'), message('send'), message('plain')];
    for (const msg of msgs) await host.dispatch({ kind: 'message', message: msg, sentByBot: false });
    expect(seen).toEqual([undefined, undefined, msgs[2]!.id]);
  });

  test('two untracked runs of the plugin in flight: its action belongs to neither', async () => {
    const { host, log } = makeHost();
    const g = gate();
    await host.start([
      plugin('p', (ctx) => {
        ctx.use(async (m) => {
          await g.promise;
          await ctx.send('Alice', text(m));
        });
      }),
    ]);
    const a = message('a');
    const b = message('b');
    const both = Promise.all([
      host.dispatch({ kind: 'message', message: a, sentByBot: false }),
      host.dispatch({ kind: 'message', message: b, sentByBot: false }),
    ]);
    g.open();
    await both;
    const causes = log.all().map((r) => [(r.content as { text?: string }).text, r.cause]);
    // The first send finds both runs in flight; the second may still see both, or only its own.
    expect(causes[0]).toEqual(['a', undefined]);
    expect([undefined, b.id]).toContain(causes[1]?.[1]);
  });

  test("another plugin's run in flight does not hide the only run of the acting plugin", async () => {
    const { host, log } = makeHost();
    const hold = gate();
    await host.start([
      plugin('other', (ctx) => {
        ctx.use(async (m, next) => {
          if (text(m) === 'a') await hold.promise;
          else await next();
        });
      }),
      plugin('p', (ctx) => {
        ctx.use(async (m) => {
          await new Promise((r) => setTimeout(r, 1));
          await ctx.send('Alice', text(m));
        });
      }),
    ]);
    const a = message('a');
    const b = message('b');
    const held = host.dispatch({ kind: 'message', message: a, sentByBot: false });
    await host.dispatch({ kind: 'message', message: b, sentByBot: false });
    hold.open();
    await held;
    expect(log.all().map((r) => [r.plugin, r.cause])).toEqual([['p', b.id]]);
  });
});

describe('PluginHost stop() and setup timers', () => {
  test('a plugin still in setup when the host stops is stopped', async () => {
    const { host } = makeHost();
    const g = gate();
    const started = host.start([plugin('slow', () => g.promise)]);
    await Promise.resolve();
    await host.stop();
    expect(host.status()).toEqual([{ name: 'slow', state: 'stopped' }]);
    g.open();
    await started;
  });

  test('a setup that finished leaves no timer behind', async () => {
    jest.useFakeTimers();
    const { host } = makeHost();
    const before = jest.getTimerCount();
    await host.start([plugin('quick', () => undefined)]);
    expect(jest.getTimerCount()).toBe(before);
  });
});
