/** The fault matrix as printed: one row per fault, and the rules the counts follow. */
import { table } from '../table.js';
import type { FaultsResult } from './faults.js';

export function renderFaults(f: FaultsResult | { error: string }): string {
  if ('error' in f) return `\n6. Fault matrix: FAILED — ${f.error}`;
  const parts = [
    `\n6. Fault matrix: ${f.count} texts over ${f.chats} chats at ${f.ratePerSec}/s per row (${f.parallel} row(s) at a time). Setup: ${f.setup}.`,
    `Counts: ${f.rules}.`,
    table(
      [
        'row',
        'injected',
        'replied',
        'lost',
        'duplicated',
        'probe answered',
        'duration s',
        'bot loop max ms',
        'bot max RSS MB',
        'notes',
      ],
      f.rows.map((r) => [
        r.row,
        r.injected,
        r.replied,
        r.lost,
        r.duplicated,
        r.probeAnswered ? 'yes' : 'NO',
        (r.durationMs / 1000).toFixed(1),
        r.botMaxLoopDelayMs ?? '—',
        r.botMaxRssMb ?? '—',
        notes(r),
      ]),
    ),
    'Faults injected per row:',
    ...f.rows.map((r) => `- ${r.row}: ${r.fault}`),
  ];
  return parts.join('\n');
}

function notes(r: FaultsResult['rows'][number]): string {
  const out = [...r.notes];
  if (r.unreachable > 0) out.push(`${r.unreachable} unreachable`);
  if (r.refusedSends > 0) out.push(`${r.refusedSends} sends refused`);
  if (r.droppedAnswers > 0) out.push(`${r.droppedAnswers} answers dropped`);
  if (r.lostNearExpiry > 0) out.push(`${r.lostNearExpiry} of the lost said < 1 s before a session ended`);
  if (r.killsOnSend > 0) out.push(`${r.killsOnSend} killed in a send`);
  if (r.botStarts > 1) out.push(`${r.botStarts - 1} restarts`);
  if (r.error) out.push(`ERROR: ${r.error.split('\n')[0]!.slice(0, 160)}`);
  return out.join('; ');
}
