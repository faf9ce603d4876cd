/** The fault matrix's command-line options, checked: a bad value names the option and what it takes. */
import { faultRowNames } from './faults-rows.js';
import type { FaultsOptions } from './faults.js';

type Values = Partial<Record<`faults-${'rows' | 'scale' | 'count' | 'chats' | 'rate' | 'parallel'}`, string>>;

/** Options for runFaults, or an error message. */
export function faultOptions(v: Values, smoke: boolean): FaultsOptions | string {
  const num = (key: keyof Values, min: number, max: number, integer: boolean): number | string | undefined => {
    const raw = v[key];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
      return `--${key} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got "${raw}")`;
    return n;
  };
  const scale = num('faults-scale', 0.001, 10, false);
  const count = num('faults-count', 1, 1_000_000, true);
  const chats = num('faults-chats', 2, 10_000, true);
  const rate = num('faults-rate', 0.1, 10_000, false);
  const parallel = num('faults-parallel', 1, 16, true);
  for (const x of [scale, count, chats, rate, parallel]) if (typeof x === 'string') return x;
  const rows = v['faults-rows']?.split(',').map((s) => s.trim());
  const known = faultRowNames();
  const unknown = rows?.find((r) => !known.includes(r));
  if (unknown !== undefined) return `--faults-rows: unknown row "${unknown}" (choose from ${known.join(', ')})`;
  const s = (scale as number | undefined) ?? 1;
  return {
    smoke,
    rows,
    count: (count as number | undefined) ?? (smoke ? undefined : Math.max(1, Math.round(2000 * s))),
    chats: (chats as number | undefined) ?? (smoke ? undefined : Math.max(2, Math.round(50 * s))),
    ratePerSec: rate as number | undefined,
    parallel: parallel as number | undefined,
  };
}
