/**
 * Which plugins are stalled in which chat. A handler that timed out may
 * still hang; every later message of that chat would wait out the full
 * handler timeout on it again (the bot keeps a chat's messages in order),
 * so the chat skips that plugin until its hung handler settles, or until
 * `retryMs` has passed (then the plugin is tried once more; hanging again
 * stalls it again). Other plugins, and other chats, are not affected.
 */
export class Stalls<K extends object = object> {
  readonly #byPlugin = new WeakMap<K, Map<string, number>>();
  readonly #retryMs: number;
  readonly #now: () => number;

  constructor(retryMs: number, now: () => number = Date.now) {
    this.#retryMs = retryMs;
    this.#now = now;
  }

  /** A handler of `plugin` timed out in `chat`. */
  mark(plugin: K, chat: string): void {
    let chats = this.#byPlugin.get(plugin);
    if (chats === undefined) this.#byPlugin.set(plugin, (chats = new Map<string, number>()));
    chats.set(chat, this.#now());
  }

  /** The timed-out handler settled after all: the plugin may see this chat again. */
  clear(plugin: K, chat: string): void {
    this.#byPlugin.get(plugin)?.delete(chat);
  }

  /** True while `plugin` is stalled in `chat` and the next message of that chat should skip it. */
  skips(plugin: K, chat: string): boolean {
    const chats = this.#byPlugin.get(plugin);
    const at = chats?.get(chat);
    if (at === undefined) return false;
    if (this.#now() - at < this.#retryMs) return true;
    chats!.delete(chat);
    return false;
  }
}
