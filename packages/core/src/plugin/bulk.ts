/**
 * `ctx.bulkSend`: one content to many chats, one after another in the outbox's bulk lane (after
 * interactive actions, within the account's rate limits), with progress, cancellation and a final
 * account of what was not sent. Not persisted across a restart: the plugin gets `notSent` (on stop
 * or cancel) and decides; the one send in flight is journaled like every send and replayed.
 */

import type { SentMessage } from '../message/sent.js';
import type { BulkSendOptions, BulkSendResult, OutgoingContent, Target } from './types.js';

/** Errors after which no later send can succeed: the rest is not tried. */
const FINAL = new Set(['ClientStopped', 'LoggedOut']);

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs a bulk send with `send` (the plugin's send in the bulk lane). */
export async function runBulk(
  send: (to: Target, content: OutgoingContent) => Promise<SentMessage>,
  targets: readonly Target[],
  content: OutgoingContent,
  options: BulkSendOptions,
  stopped: AbortSignal,
): Promise<BulkSendResult> {
  const given: unknown = targets;
  if (!Array.isArray(given)) throw new TypeError('bulkSend: targets must be an array of chats');
  const minIntervalMs = options.minIntervalMs ?? 0;
  if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) {
    throw new RangeError(`bulkSend: minIntervalMs must be a finite number ≥ 0, got ${minIntervalMs}`);
  }
  const signal = options.signal === undefined ? stopped : AbortSignal.any([options.signal, stopped]);
  const sent: { target: Target; message: SentMessage }[] = [];
  const failed: { target: Target; error: unknown }[] = [];
  let index = 0;
  let final = false;
  let lastAt = 0;
  for (; index < targets.length && !signal.aborted && !final; index++) {
    const target = targets[index]!;
    // A loop, not one wait: a timer may fire a millisecond before the clock says it is due.
    for (let gap = lastAt + minIntervalMs - Date.now(); gap > 0 && !signal.aborted;) {
      await wait(gap, signal);
      gap = lastAt + minIntervalMs - Date.now();
    }
    if (signal.aborted) break;
    let error: unknown;
    try {
      sent.push({ target, message: await send(target, content) });
    } catch (e) {
      error = e;
      failed.push({ target, error: e });
      final = e instanceof Error && FINAL.has(e.name);
    }
    // Counted from when the send settled, not when it was queued: the outbox may hold a message
    // (rate limits, interactive actions first), and the interval is between messages on the wire.
    lastAt = Date.now();
    try {
      options.onProgress?.({
        total: targets.length,
        sent: sent.length,
        failed: failed.length,
        remaining: targets.length - index - 1,
        last: error === undefined ? { target } : { target, error },
      });
    } catch {
      // A progress callback is a report, not a say in the send.
    }
  }
  return { sent, failed, notSent: targets.slice(index), cancelled: signal.aborted };
}
