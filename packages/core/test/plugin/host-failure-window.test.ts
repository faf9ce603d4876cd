/**
 * The failure window of PluginHost (host.ts `#fail`): a plugin is disabled
 * after `maxFailures` failures within `failureWindowMs`, and older failures
 * expire. Time is a fake clock (only `Date` is faked; the host's timers run
 * for real), so no test sleeps.
 */
import { jest } from '@jest/globals';

import { definePlugin } from '../../src/plugin/define.js';
import type { IsolationOptions } from '../../src/plugin/host.js';
import { makeHost, message } from './helpers.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const ONLY_DATE: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: [
    'hrtime',
    'nextTick',
    'performance',
    'queueMicrotask',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'requestIdleCallback',
    'cancelIdleCallback',
    'setImmediate',
    'clearImmediate',
    'setInterval',
    'clearInterval',
    'setTimeout',
    'clearTimeout',
  ],
};

beforeEach(() => {
  jest.useFakeTimers(ONLY_DATE);
  jest.setSystemTime(1_000_000);
});
afterEach(() => {
  jest.useRealTimers();
});

/** A host with one plugin that throws on every message, and a way to fail it at a given clock time. */
async function failing(options: IsolationOptions = {}) {
  const h = makeHost(options);
  await h.host.start([
    {
      plugin: definePlugin({
        name: 'flaky',
        setup(ctx) {
          ctx.use(async () => {
            throw new Error('nope');
          });
        },
      }),
      options: undefined,
    },
  ]);
  const failAt = async (ms: number): Promise<string> => {
    jest.setSystemTime(1_000_000 + ms);
    await h.host.dispatch({ kind: 'message', message: message(`at ${ms}`), sentByBot: false });
    return h.host.status()[0]!.state;
  };
  return { ...h, failAt };
}

describe('PluginHost failure window', () => {
  test('failures older than the window expire: spread-out failures never disable a plugin', async () => {
    const { failAt, messages } = await failing({ maxFailures: 2, failureWindowMs: 1000 });
    expect(await failAt(0)).toBe('active');
    expect(await failAt(1000)).toBe('active'); // the first is exactly one window old: gone
    expect(await failAt(2500)).toBe('active');
    expect(await failAt(3600)).toBe('active');
    expect(messages().filter((m) => m.includes('disabled'))).toEqual([]);
    expect(await failAt(4599)).toBe('disabled'); // 999 ms after the last: two within the window
    expect(messages()).toContain(
      'plugin "flaky" disabled after 2 failures within 1000 ms; the bot keeps running without it',
    );
  });

  test('defaults: 5 failures within 60 s disable; the 5th a minute after the 1st does not', async () => {
    const { failAt, messages } = await failing();
    for (const t of [0, 10_000, 20_000, 30_000]) expect(await failAt(t)).toBe('active');
    expect(await failAt(60_000)).toBe('active'); // the one at 0 has expired: four in the window
    expect(await failAt(60_001)).toBe('disabled');
    expect(messages()).toContain(
      'plugin "flaky" disabled after 5 failures within 60000 ms; the bot keeps running without it',
    );
  });

  test('a disabled plugin gets no more messages, and is disabled only once', async () => {
    const { failAt, host, messages } = await failing({ maxFailures: 1 });
    expect(await failAt(0)).toBe('disabled');
    await failAt(1);
    await host.dispatch({ kind: 'message', message: message('later'), sentByBot: false });
    expect(messages().filter((m) => m.includes('disabled after'))).toHaveLength(1);
    expect(messages().filter((m) => m.includes('plugin "flaky" failed'))).toHaveLength(1);
  });
});
