import type { BotContext, Middleware, NextFunction } from '../../src/plugin/types.js';
import { timeHandler, type HandlerTimeObserver } from '../../src/plugin/handler-time.js';

function observer(active = true): HandlerTimeObserver & { seen: [string, number][]; active: boolean } {
  const seen: [string, number][] = [];
  return {
    active,
    seen,
    observe(plugin, ms) {
      seen.push([plugin, ms]);
    },
  };
}

const context = {} as BotContext;
const next: NextFunction = () => Promise.resolve();

test('without an observer the middleware is returned unwrapped', () => {
  const mw: Middleware<BotContext> = () => undefined;
  expect(timeHandler('p', mw, undefined)).toBe(mw);
});

test('an inactive observer hears nothing and the result passes through untouched', () => {
  const o = observer(false);
  const result = Promise.resolve();
  expect(timeHandler('p', () => result, o)(context, next)).toBe(result);
  expect(o.seen).toEqual([]);
});

test('a synchronous handler is reported at once; next() returns the pipeline promise itself', () => {
  const o = observer();
  const downstream = Promise.resolve();
  let got: unknown;
  timeHandler(
    'sync',
    (_c, n) => {
      got = n();
    },
    o,
  )(context, () => downstream);
  expect(got).toBe(downstream);
  expect(o.seen).toHaveLength(1);
  expect(o.seen[0]![0]).toBe('sync');
  expect(o.seen[0]![1]).toBeGreaterThanOrEqual(0);
});

test('a throwing handler is timed and the error still reaches the pipeline', () => {
  const o = observer();
  const wrapped = timeHandler(
    'bad',
    () => {
      throw new Error('boom');
    },
    o,
  );
  expect(() => wrapped(context, next)).toThrow('boom');
  expect(o.seen.map(([p]) => p)).toEqual(['bad']);
});

test('time spent downstream is not the handler’s; a rejected handler is reported when it settles', async () => {
  const o = observer();
  let release!: () => void;
  const downstream = new Promise<void>((resolve) => (release = resolve));
  const done = timeHandler(
    'outer',
    async (_c, n) => {
      await n();
      throw new Error('late');
    },
    o,
  )(context, () => downstream) as Promise<void>;
  const waited = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 40));
  release();
  await expect(done).rejects.toThrow('late');
  await Promise.resolve();
  expect(o.seen).toHaveLength(1);
  // 40 ms were spent inside next(): what is left is the handler's own few microseconds-to-milliseconds.
  expect(o.seen[0]![1]).toBeLessThan(performance.now() - waited - 30);
});
