import type { Redis } from 'ioredis';

import { poolKeys } from './pool.js';

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
  /** What its last owner reported: starting, running, failed, free; undefined when never run by a worker. */
  readonly state: string | undefined;
  /** Ms since the epoch of the last message in or out (or of the start), as its owner reported it. */
  readonly lastActivity: number | undefined;
  /** Why it failed, when its state is failed. */
  readonly error: string | undefined;
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
  const names = new Set<string>(await redis.smembers(poolKeys(root).accounts));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(root)}:{*}:fence`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) names.add(key.slice(root.length + 2, -':fence'.length - 1));
  } while (cursor !== '0');
  const out: AccountStatus[] = [];
  for (const account of [...names].sort()) {
    const prefix = `${root}:{${account}}:`;
    const [[, fence], [, owner], [, ttl], [, status]] = (await redis
      .multi()
      .get(`${prefix}fence`)
      .get(`${prefix}lease`)
      .pttl(`${prefix}lease`)
      .hgetall(`${prefix}status`)
      .exec()) as [[null, string | null], [null, string | null], [null, number], [null, Record<string, string>]];
    const activity = Number(status.activity ?? status.since);
    out.push({
      account,
      prefix,
      owner: owner ?? undefined,
      leaseTtlMs: owner === null || ttl < 0 ? undefined : ttl,
      fence: Number(fence ?? 0),
      // A lease that lapsed leaves the last owner's word behind: without a lease nobody runs it.
      state: owner === null && status.state !== undefined && status.state !== 'failed' ? 'free' : status.state,
      lastActivity: Number.isFinite(activity) ? activity : undefined,
      error: status.error,
    });
  }
  return out;
}
