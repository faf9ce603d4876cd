// The lookbehind lets a bare host start only where a run of host characters starts: without it the
// scan restarted at every label of a long dotted run, quadratic in its length (80 KB took 3.3 s).
const URL_LIKE =
  /(?<![a-z0-9-])(?<![a-z0-9-]\.)(?:https?:\/\/)?((?:[a-z0-9-]+\.)+(?:com|cn|net|org|io|xyz|top|me|cc|info|biz|vip|app|site|link|ly|co|tk|ru|to))\b(?:[/?#][^\s]*)?|\bhttps?:\/\/([^\s/?#]+)/gi;

/** Hosts of the links in `text` (lower-cased). */
export function linkHosts(text: string): string[] {
  return [...text.matchAll(URL_LIKE)].map((m) => (m[1] ?? m[2] ?? '').toLowerCase()).filter((h) => h !== '');
}

/** True when `host` is one of `allowed` or a subdomain of one. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((d) => {
    const domain = d.toLowerCase();
    return host === domain || host.endsWith(`.${domain}`);
  });
}

/**
 * Sliding-window message counter per key. `hit` returns true when the key
 * exceeds `max` in `windowMs`; the window then restarts, so one flood is one strike.
 */
export class FloodMeter {
  readonly #times = new Map<string, number[]>();
  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  hit(key: string, now: number): boolean {
    const recent = (this.#times.get(key) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    if (recent.length > this.max) {
      this.#times.delete(key);
      return true;
    }
    this.#times.set(key, recent);
    if (this.#times.size > 5_000) {
      for (const [k, ts] of this.#times) if (ts.every((t) => now - t >= this.windowMs)) this.#times.delete(k);
    }
    return false;
  }
}
