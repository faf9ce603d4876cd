import type { BotContext, Middleware, NextFunction } from './types.js';

/**
 * Who hears how long each plugin's handler took (the bot, which metrics subscribe to). `active` is read
 * per call, so an unobserved bot pays one property read per handler and no clock reads.
 */
export interface HandlerTimeObserver {
  readonly active: boolean;
  /** `ms`: the handler's own time, from its call until it settled, minus the time spent inside `next()`. */
  observe(plugin: string, ms: number): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== undefined && value !== null && typeof (value as { readonly then?: unknown }).then === 'function';
}

/**
 * Wraps a plugin's middleware so its handler time is reported. The pipeline's own promises pass through
 * untouched (`next()` returns exactly what the pipeline gave, the handler's result is returned as is), so
 * the pipeline's fast paths, timeouts and failure handling see the same values as without the wrapper.
 * A handler that throws or rejects is timed too: slow failures are what the histogram is for.
 */
export function timeHandler(
  plugin: string,
  middleware: Middleware<BotContext>,
  observer: HandlerTimeObserver | undefined,
): Middleware<BotContext> {
  if (observer === undefined) return middleware;
  return (context, next) => {
    if (!observer.active) return middleware(context, next);
    const started = performance.now();
    let inside = 0;
    const timedNext: NextFunction = () => {
      const entered = performance.now();
      const downstream = next();
      // Downstream's synchronous part now; its asynchronous rest when it settles (before the handler resumes:
      // this callback is attached before the handler can await the promise). A handler that keeps working
      // between next() and its await has that work counted as downstream's: rare, and microseconds.
      inside += performance.now() - entered;
      const resumed = performance.now();
      downstream.then(
        () => {
          inside += performance.now() - resumed;
        },
        () => {
          inside += performance.now() - resumed;
        },
      );
      return downstream;
    };
    const report = (): void => {
      observer.observe(plugin, Math.max(0, performance.now() - started - inside));
    };
    let result: unknown;
    try {
      result = middleware(context, timedNext);
    } catch (error) {
      report();
      throw error;
    }
    if (isThenable(result)) result.then(report, report);
    else report();
    return result;
  };
}
