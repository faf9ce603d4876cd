import { NetworkError } from './errors.js';
import type { Http } from './http.js';

/** One finished request, as the `request` event reports it (no URL: it carries skey and pass_ticket). */
export interface RequestReport {
  /** Endpoint name (`webwxsync`, `synccheck`, ...). */
  readonly endpoint: string;
  /** The server's `Ret` / `retcode` ('0' = ok), else `http_<status>`, or `network` when nothing came back. */
  readonly retcode: string;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

// BaseResponse comes first in every JSON answer, and synccheck's `retcode:"0"` is the whole body:
// the head of the body is enough, so a megabyte contact list is never scanned.
const RET = /"Ret"\s*:\s*(-?\d+)|retcode\s*:\s*"?(-?\d+)/;
const HEAD = 512;

/**
 * Reports every text request `http` makes (API calls and long polls; `json` goes through `text`)
 * with its endpoint, retcode and time. Wraps the instance rather than editing Http, whose one job
 * is the transport; the hot path pays one clock read and a short regex when nobody listens.
 */
export function observeRequests(http: Http, report: (e: RequestReport) => void): void {
  const text = http.text.bind(http);
  http.text = async (spec) => {
    const started = performance.now();
    try {
      const res = await text(spec);
      const m = RET.exec(res.text.slice(0, HEAD));
      const retcode = m === null ? `http_${res.status}` : (m[1] ?? m[2]!);
      report({ endpoint: spec.endpoint, retcode, ms: performance.now() - started });
      return res;
    } catch (err) {
      const status = err instanceof NetworkError ? err.status : undefined;
      const ret = (err as { ret?: unknown }).ret;
      const retcode =
        typeof ret === 'number' ? String(ret) : status === undefined ? 'network' : `http_${String(status)}`;
      report({ endpoint: spec.endpoint, retcode, ms: performance.now() - started });
      throw err;
    }
  };
}

/** Outbound actions queued or in flight, sends journaled (and the oldest's age), inbox entries not yet handled. */
export interface QueueStats {
  readonly outboxActive: number;
  readonly outboxJournaled: number;
  /** Epoch ms when the oldest journaled send was made; undefined when none is. */
  readonly outboxOldestAt: number | undefined;
  readonly inboxPending: number;
}

export function queueStats(
  outbox: { stats(): { active: number; journaled: number; oldestAt: number | undefined } },
  inbox: { readonly pendingCount: number },
): QueueStats {
  const o = outbox.stats();
  return {
    outboxActive: o.active,
    outboxJournaled: o.journaled,
    outboxOldestAt: o.oldestAt,
    inboxPending: inbox.pendingCount,
  };
}
