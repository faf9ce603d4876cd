/** The iLink transport's options and what it can do (its capabilities). */
import type { ProtocolLimits, SessionStore, TransportCapabilities } from '@wxbot/core';

import type { QrLoginOptions } from './login.js';
import type { RetryPolicy } from './outbox.js';
import type { PoisonPolicy } from './poison.js';

/** A day: what users report as the window in which a bot may answer after the user's last message. */
export const DEFAULT_REPLY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * What the bot API cannot do: there are no rooms to mention anyone in, `sendmessage` has no quote
 * (received quotes arrive as `ref_msg`, normalised to `quote` messages), and a bot has no wallet and
 * no calls.
 */
export const ILINK_LIMITS: ProtocolLimits = Object.freeze({
  mentionsNotify: false,
  quote: false,
  openRedPacket: false,
  acceptTransfer: false,
  calls: false,
});

export function ilinkCapabilities(replyWindowMs: number | undefined): TransportCapabilities {
  return Object.freeze({
    directChats: true,
    rooms: false,
    friendRequests: false,
    addFriends: false,
    roomAdmin: false,
    media: Object.freeze({ image: true, voice: true, video: true, file: true, emoticon: false }),
    recall: false,
    replyWindowMs,
    download: true,
    forward: false,
    markRead: false,
    pin: false,
    remark: false,
    contacts: false,
    limits: ILINK_LIMITS,
  });
}

export const ILINK_CAPABILITIES = ilinkCapabilities(DEFAULT_REPLY_WINDOW_MS);

export interface IlinkTransportOptions {
  /** Account name: the session store key prefix. Default `default`. */
  readonly account?: string | undefined;
  /** Where the default file store keeps `<account>/ilink-session` and the inbox (beside a Web session). */
  readonly dataDir?: string | undefined;
  /** Replaces the file store (same contract as a Web session store). */
  readonly sessionStore?: SessionStore | undefined;
  /** The fixed API base QR login starts at. Default `https://ilinkai.weixin.qq.com`. */
  readonly apiBaseUrl?: string | undefined;
  readonly cdnBaseUrl?: string | undefined;
  readonly botAgent?: string | undefined;
  readonly routeTag?: string | undefined;
  /** Asked when login needs the code shown on the phone. */
  readonly verifyCode?: (() => Promise<string>) | undefined;
  /** QR login tuning (refresh count, hold, pauses, deadline). */
  readonly login?: Pick<QrLoginOptions, 'maxRefresh' | 'holdMs' | 'pollGapMs' | 'timeoutMs'> | undefined;
  /** Long-poll hold, overriding the server's suggestion (tests). */
  readonly pollHoldMs?: number | undefined;
  /** First pause after a failed poll (doubles up to `maxBackoffMs`). Defaults 1 s and 30 s. */
  readonly backoffMs?: number | undefined;
  readonly maxBackoffMs?: number | undefined;
  /** How long after a user's last message the bot may still answer; `null`: no limit. Default a day. */
  readonly replyWindowMs?: number | null | undefined;
  readonly sendRetry?: Partial<RetryPolicy> | undefined;
  /** After a session timeout (-14), log in again by QR instead of stopping. Default true. */
  readonly reloginOnTimeout?: boolean | undefined;
  /** Handled message ids remembered for dedupe. Default 5,000. */
  readonly dedupeSize?: number | undefined;
  /** Per-request timeout of ordinary calls. */
  readonly requestTimeoutMs?: number | undefined;
  /** Clock for the reply window (tests pass a manual one). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * When a received batch that keeps failing to journal is taken apart and the messages whose own
   * write fails are dead-lettered. Default 5 failures over at least 60 s. See `deadLetterDir`.
   */
  readonly poison?: Partial<PoisonPolicy> | undefined;
  /** Where dead-lettered messages go (one 0600 JSON file each). Default `<dataDir>/ilink-dead-letter/<account>`. */
  readonly deadLetterDir?: string | undefined;
  /**
   * Where the transport logs what needs the operator's eye (a dead-lettered message: one error line
   * with its id and file, never its tokens). Events (`error`) carry the same; default: events only.
   */
  readonly logger?: { error(fields: object, message: string): void } | undefined;
  /** The receive loop's clock and pause between failed polls (tests pass fake ones). */
  readonly loopClock?:
    { readonly now: () => number; readonly sleep: (ms: number, signal: AbortSignal) => Promise<void> } | undefined;
}
