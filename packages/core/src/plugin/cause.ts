import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which message a plugin's scope-level actions (`ctx.send`, `ctx.rooms`, ...
 * on the context `setup` received, called from a handler) are attributed to.
 *
 * AsyncLocalStorage answers that anywhere in a handler's async flow, but once
 * a store has been entered Node runs promise hooks for every promise in the
 * process, which cost about a fifth of a dispatch through ten plugins. So a
 * host enters it only after some plugin has used scope-level actions while
 * the host was serving (`PluginHost` "tracking"); most handlers use `m.reply`
 * / `m.actions`, which carry the message themselves. Until then the
 * synchronous part of a pass is known from `syncCause()`, and an async
 * continuation of an untracked pass is attributed to the plugin's only run
 * still in flight (see PluginHost).
 */
export const currentCause = new AsyncLocalStorage<string>();

let current: string | undefined;

/** The pass whose plugins are running synchronously right now (the innermost one), if any. */
export function syncCause(): string | undefined {
  return current;
}

/** Marks `cause` as the running pass until the returned value is handed to `leaveSync`. */
export function enterSync(cause: string): string | undefined {
  const outer = current;
  current = cause;
  return outer;
}

export function leaveSync(outer: string | undefined): void {
  current = outer;
}
