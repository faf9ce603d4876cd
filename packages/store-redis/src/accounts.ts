import type { Redis } from 'ioredis';

/** One account of the pool as Redis sees it, for `wxbot accounts`. */
export interface AccountStatus {
  readonly account: string;
  readonly prefix: string;
  /** The worker holding the lease (`<worker>/<tag>`), or undefined when free. */
  readonly owner: string | undefined;
  /** Ms until the lease lapses without renewal; undefined when free. */
  readonly leaseTtlMs: number | undefined;
  /** The last fencing token handed out: how many times the account changed hands. */
  readonly fence: number;
}

/** SCAN MATCH treats * ? [ ] \ as a pattern; a root must match only itself. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Every account that was ever leased under `root` (accounts whose prefix is
 * `accountPrefix(name, root)`), with its owner. Uses SCAN, so it never blocks
 * a shared server the way KEYS would.
 */
export async function listAccounts(redis: Redis, root = 'wxbot'): Promise<AccountStatus[]> {
  const fenceKeys: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(root)}:{*}:fence`, 'COUNT', 1000);
    cursor = next;
    fenceKeys.push(...keys);
  } while (cursor !== '0');
  const out: AccountStatus[] = [];
  for (const fenceKey of fenceKeys.sort()) {
    const prefix = fenceKey.slice(0, -'fence'.length);
    const account = prefix.slice(root.length + 2, -2);
    const [[, fence], [, owner], [, ttl]] = (await redis
      .multi()
      .get(fenceKey)
      .get(`${prefix}lease`)
      .pttl(`${prefix}lease`)
      .exec()) as [[null, string | null], [null, string | null], [null, number]];
    out.push({
      account,
      prefix,
      owner: owner ?? undefined,
      leaseTtlMs: owner === null || ttl < 0 ? undefined : ttl,
      fence: Number(fence ?? 0),
    });
  }
  return out;
}
