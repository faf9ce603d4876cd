/** Public shapes of the iLink simulator: options, what the bot sent, faults. */

export type QrState =
  | 'wait'
  | 'scaned'
  | 'confirmed'
  | 'expired'
  | 'need_verifycode'
  | 'verify_code_blocked'
  | 'scaned_but_redirect'
  | 'binded_redirect';

/** Sends over `sends` within `windowMs` get `ret -2`, and the block lasts `blockMs`. */
export interface IlinkQuota {
  readonly sends: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/**
 * An injected failure for the next `times` calls of `op` (an endpoint name such as `sendmessage`,
 * `getupdates`, `cdn-upload`, or `*` for any): `session-timeout` answers errcode -14, `rate-limit`
 * ret -2, `http-500` a 500, `drop` closes the connection without an answer, `accept-then-drop` does
 * the work and then closes without an answer, `latency` does the work but answers `delayMs` late.
 */
export interface IlinkFault {
  readonly op: string;
  readonly kind: 'session-timeout' | 'rate-limit' | 'http-500' | 'drop' | 'accept-then-drop' | 'latency';
  times: number;
  /** How late a `latency` fault answers; default 1,500 ms. */
  readonly delayMs?: number;
}

/** One item of a message the bot sent, decoded: media decrypted with the key the bot sent. */
export interface IlinkSentItem {
  readonly type: number;
  readonly text?: string | undefined;
  readonly fileName?: string | undefined;
  /** Media bytes after decryption; undefined when the key or the object was wrong. */
  readonly data?: Buffer | undefined;
}

export interface IlinkSent {
  readonly toUserId: string;
  readonly contextToken: string;
  readonly clientId: string | undefined;
  readonly messageId: string;
  readonly items: readonly IlinkSentItem[];
  /** The first text item's text ('' when none). */
  readonly text: string;
  readonly at: number;
}

/** What a user can send the bot. */
export type IlinkUserContent =
  | string
  | {
      readonly text?: string;
      readonly image?: Buffer;
      readonly file?: { readonly name: string; readonly data: Buffer };
      readonly video?: Buffer;
      readonly voice?: { readonly data: Buffer; readonly transcript?: string; readonly playtimeMs?: number };
      /** Quotes an earlier message: its text and id. */
      readonly quote?: { readonly text: string; readonly messageId?: string };
    };

export interface IlinkSimulatorOptions {
  /** How long `getupdates` holds an empty poll (and the `longpolling_timeout_ms` it suggests). Default 35 s. */
  readonly longPollMs?: number;
  /** How long `get_qrcode_status` holds while nothing changes. Default 25 s. */
  readonly qrPollMs?: number;
  /** A QR code expires after this. Default 5 min. */
  readonly qrTtlMs?: number;
  /** The bot may answer a user this long after their last message. Default a day. */
  readonly replyWindowMs?: number;
  /**
   * Send quota. Default: 10 sends per minute, then `ret -2` for 20 minutes — the shape users report.
   * `false` turns it off.
   */
  readonly quota?: IlinkQuota | false;
  /** The phone scans and confirms every new QR code by itself. Default false. */
  readonly autoConfirm?: boolean;
  /** Serve a second host, for `scaned_but_redirect`. Default true. */
  readonly redirectHost?: boolean;
  readonly botId?: string;
  readonly ownerId?: string;
  /** At most this many messages per `getupdates` answer. Default 100. */
  readonly batchSize?: number;
  /** Clock for QR lifetimes, the reply window, quotas and message times. Default `Date.now`. */
  readonly now?: () => number;
}
