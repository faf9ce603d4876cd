import type { CliIo } from './io.js';
import { loadStoreRedis, redactUrl, type StoreRedisModule } from './worker.js';

type Row = Awaited<ReturnType<StoreRedisModule['listAccounts']>>[number];

function ago(ms: number | undefined, now: number): string {
  if (ms === undefined) return '-';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

/** The table `wxbot accounts` prints: one line per account, owner without the lease's random tag. */
export function formatAccounts(rows: readonly Row[], now = Date.now()): string {
  const table = [
    ['ACCOUNT', 'OWNER', 'STATE', 'LAST ACTIVITY', 'HANDOVERS'],
    ...rows.map((r) => [
      r.account,
      r.owner === undefined ? '-' : r.owner.replace(/\/[0-9a-f]+$/, ''),
      (r.state ?? (r.owner === undefined ? 'free' : 'held')) + (r.error === undefined ? '' : ` (${r.error})`),
      ago(r.lastActivity, now),
      String(Math.max(0, r.fence - 1)),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return (
    table
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** `wxbot accounts`: every account of the pool in Redis, its owner worker, state and last activity. */
export async function runAccounts(io: CliIo, flags: { redis?: string; root?: string }): Promise<number> {
  const module = await loadStoreRedis();
  const url = flags.redis ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const redis = module.connectRedis(url);
  try {
    const rows = await module.listAccounts(redis, flags.root);
    if (rows.length === 0) {
      io.stdout.write(
        `no accounts in the pool at ${redactUrl(url)} (root ${flags.root ?? 'wxbot'}); start a worker: wxbot worker\n`,
      );
      return 0;
    }
    io.stdout.write(formatAccounts(rows));
    return 0;
  } finally {
    await redis.quit().catch(() => {
      redis.disconnect();
    });
  }
}
