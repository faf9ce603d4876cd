/**
 * PluginHost's defaults, duplicate entries and stop(): what host.test.ts
 * (past 500 lines) leaves out. Timeouts run on jest's fake clock, never on sleeps.
 */
import { jest } from '@jest/globals';

import { definePlugin, type PluginContext } from '../../src/plugin/define.js';
import { PluginHost, type LoadedPlugin } from '../../src/plugin/host.js';
import { ActionLog } from '../../src/plugin/actions.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { fakeBackend, makeHost, memoryLogger, message } from './helpers.js';

// Unit tests finish in milliseconds: a mutant that stalls one should fail it in seconds (mutation runs).
jest.setTimeout(3000);

const plugin = (name: string, setup: (ctx: PluginContext) => void | Promise<void>): LoadedPlugin => ({
  plugin: definePlugin({ name, setup }),
  options: undefined,
});
const never = new Promise<never>(() => undefined);

afterEach(() => {
  jest.useRealTimers();
});

describe('PluginHost defaults', () => {
  test('a handler gets 10 s by default, then the message goes on without it', async () => {
    jest.useFakeTimers();
    const { host, messages } = makeHost();
    const seen: string[] = [];
    await host.start([
      plugin('hang', (ctx) => {
        ctx.use(() => never);
      }),
      plugin('after', (ctx) => {
        ctx.use(() => {
          seen.push('after');
        });
      }),
    ]);
    const done = host.dispatch({ kind: 'message', message: message('x'), sentByBot: false }, 'chat');
    await jest.advanceTimersByTimeAsync(9_990);
    expect(seen).toEqual([]);
    await jest.advanceTimersByTimeAsync(200); // fires at most 100 ms (5 %) late
    await done;
    expect(seen).toEqual(['after']);
    expect(messages().some((m) => m.includes('handler did not finish within 10000 ms'))).toBe(true);
  });

  test('a setup gets 30 s by default', async () => {
    jest.useFakeTimers();
    const { host, messages } = makeHost();
    const started = host.start([plugin('slow', () => never)]);
    await jest.advanceTimersByTimeAsync(29_999);
    expect(host.status()).toEqual([{ name: 'slow', state: 'starting' }]);
    await jest.advanceTimersByTimeAsync(1);
    await started;
    expect(host.status()).toEqual([{ name: 'slow', state: 'failed' }]);
    expect(messages()).toContain('plugin "slow" failed to start and is disabled: setup did not finish within 30000 ms');
  });

  test('a hung handler stalls its chat for the failure window (default 60 s), then the plugin is tried again', async () => {
    jest.useFakeTimers();
    const { host } = makeHost({ handlerTimeoutMs: 100 });
    const seen: string[] = [];
    await host.start([
      plugin('hang', (ctx) => {
        ctx.use((c) => {
          if (c.type === 'message') seen.push(c.message.text ?? '');
          return never;
        });
      }),
    ]);
    const send = async (text: string) => {
      const done = host.dispatch({ kind: 'message', message: message(text), sentByBot: false }, 'chat');
      await jest.advanceTimersByTimeAsync(200);
      await done;
    };
    await send('one');
    await jest.advanceTimersByTimeAsync(59_000);
    await send('skipped');
    await jest.advanceTimersByTimeAsync(1_000);
    await send('retried');
    expect(seen).toEqual(['one', 'retried']);
  });
});

describe('PluginHost entries and stop', () => {
  test('a plugin listed twice is warned about, and both instances run', async () => {
    const { host, messages } = makeHost();
    const seen: string[] = [];
    const twice = (n: number) =>
      plugin('dup', (ctx) => {
        ctx.use(async (_c, next) => {
          seen.push(`dup${n}`);
          await next();
        });
      });
    await host.start([twice(1), twice(2)]);
    expect(messages().filter((m) => m.includes('listed twice'))).toEqual([
      'plugin "dup" is listed twice; both instances run and share its storage',
    ]);
    await host.dispatch({ kind: 'message', message: message('x'), sentByBot: false });
    expect(seen).toEqual(['dup1', 'dup2']);
  });

  test('stop disposes plugins in reverse order once, closes storage, and later dispatches do nothing', async () => {
    const storage = createMemoryStorage();
    let closed = 0;
    storage.close = async () => {
      closed++;
    };
    const { logger } = memoryLogger();
    const host = new PluginHost({ logger, storage, transport: fakeBackend(), log: new ActionLog() });
    const order: string[] = [];
    const seen: string[] = [];
    const recorder = (name: string) =>
      plugin(name, (ctx) => {
        ctx.onDispose(() => {
          order.push(name);
        });
        ctx.use(async (_c, next) => {
          seen.push(name);
          await next();
        });
      });
    await host.start([recorder('a'), recorder('b'), plugin('broken', () => Promise.reject(new Error('no')))]);
    await host.stop();
    await host.stop();
    expect(order).toEqual(['b', 'a']);
    expect(closed).toBe(1);
    expect(host.status()).toEqual([
      { name: 'a', state: 'stopped' },
      { name: 'b', state: 'stopped' },
      { name: 'broken', state: 'failed' },
    ]);
    await host.dispatch({ kind: 'message', message: message('late'), sentByBot: false });
    expect(seen).toEqual([]);
  });
});
