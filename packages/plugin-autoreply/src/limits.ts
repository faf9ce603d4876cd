/** Minutes since local midnight of `HH:MM`. */
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** True when `at` (local time) falls in [from, to); the range may span midnight. */
export function inQuietHours(at: Date, quiet: { readonly from: string; readonly to: string }): boolean {
  const now = at.getHours() * 60 + at.getMinutes();
  const from = minutes(quiet.from);
  const to = minutes(quiet.to);
  return from < to ? now >= from && now < to : now >= from || now < to;
}

export interface CooldownOptions {
  readonly chatMs: number;
  readonly userMs: number;
  readonly maxPerUser: number;
  readonly windowMs: number;
}

/** Above this many tracked keys, expired ones are swept so memory stays bounded. */
const SWEEP_AT = 1_000;

/**
 * Per-chat and per-person cooldowns plus a sliding-window cap per person.
 * The cap is what stops two auto-replying bots: cooldowns alone only slow
 * a ping-pong down, the cap ends it.
 */
export class Cooldowns {
  readonly #options: CooldownOptions;
  readonly #chatUntil = new Map<string, number>();
  readonly #userUntil = new Map<string, number>();
  readonly #history = new Map<string, number[]>();

  constructor(options: CooldownOptions) {
    this.#options = options;
  }

  /** Why `user` in `chat` may not be answered at `now`; undefined when they may. */
  blocked(chat: string, user: string, now: number): string | undefined {
    if ((this.#chatUntil.get(chat) ?? 0) > now) return 'chat cooldown';
    const key = `${chat}\n${user}`;
    if ((this.#userUntil.get(key) ?? 0) > now) return 'user cooldown';
    const recent = (this.#history.get(key) ?? []).filter((t) => now - t < this.#options.windowMs);
    if (recent.length >= this.#options.maxPerUser) return 'reply cap reached';
    return undefined;
  }

  /** Records an answer to `user` in `chat` at `now`. */
  record(chat: string, user: string, now: number): void {
    const key = `${chat}\n${user}`;
    if (this.#options.chatMs > 0) this.#chatUntil.set(chat, now + this.#options.chatMs);
    if (this.#options.userMs > 0) this.#userUntil.set(key, now + this.#options.userMs);
    const recent = (this.#history.get(key) ?? []).filter((t) => now - t < this.#options.windowMs);
    recent.push(now);
    this.#history.set(key, recent);
    if (this.#chatUntil.size + this.#userUntil.size + this.#history.size > SWEEP_AT) this.#sweep(now);
  }

  #sweep(now: number): void {
    for (const [k, until] of this.#chatUntil) if (until <= now) this.#chatUntil.delete(k);
    for (const [k, until] of this.#userUntil) if (until <= now) this.#userUntil.delete(k);
    for (const [k, times] of this.#history) {
      if (times.every((t) => now - t >= this.#options.windowMs)) this.#history.delete(k);
    }
  }
}
