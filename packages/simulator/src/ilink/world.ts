/**
 * The iLink server's state, apart from HTTP: QR logins and the phone that moves them along, the
 * bot (token, message log, cursors, context tokens), the CDN's objects, quotas and injected faults.
 * Read from the public protocol document; where it is silent the choices are written down here.
 */
import { randomBytes } from 'node:crypto';

import { ecbEncrypt, md5Hex, randomKey } from './crypto.js';
import type { IlinkFault, IlinkQuota, IlinkSent, QrState } from './types.js';

export interface QrSession {
  readonly qrcode: string;
  state: QrState;
  readonly createdAt: number;
  /** The code the phone shows when verification is asked for. */
  verifyCode: string | undefined;
  verifyFailures: number;
  /** Armed: the next scan answers `scaned_but_redirect` once. */
  redirectOnScan: boolean;
  redirected: boolean;
  /** The status polls that arrived, with the host each came to. */
  readonly polls: { status: QrState; host: string }[];
}

/** One inbound message as the log keeps it (the JSON `msgs` entry). */
export interface LoggedMessage {
  readonly seq: number;
  readonly body: Record<string, unknown>;
}

export interface CdnObject {
  readonly cipher: Buffer;
  /** Hex key, known for objects the simulator made or whose upload declared it. */
  readonly keyHex: string | undefined;
}

export interface PendingUpload {
  readonly filekey: string;
  readonly keyHex: string;
  readonly rawSize: number;
  readonly rawMd5: string;
  readonly fileSize: number;
}

function token(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

export class IlinkWorld {
  readonly qrs = new Map<string, QrSession>();
  latestQr: QrSession | undefined;
  /** Valid bot tokens (a token dies on expireSession or a new login of the same bot). */
  readonly tokens = new Set<string>();
  readonly issuedTokens: string[] = [];
  readonly botId: string;
  readonly ownerId: string;
  readonly log: LoggedMessage[] = [];
  private nextSeq = 1;
  private nextMessageId: bigint;
  /** The highest seq a cursor has acknowledged (an empty cursor resumes after it). */
  ackedSeq = 0;
  /** Per user: the context tokens issued (newest last) and when the user last wrote. */
  readonly contexts = new Map<string, { tokens: string[]; lastAt: number }>();
  readonly cdn = new Map<string, CdnObject>();
  readonly uploads = new Map<string, PendingUpload>();
  readonly sent: IlinkSent[] = [];
  readonly sendTimes: number[] = [];
  blockedUntil = 0;
  readonly faults: IlinkFault[] = [];
  readonly typing: { userId: string; status: number }[] = [];
  readonly typingTickets = new Map<string, string>();
  notifyStarts = 0;
  notifyStops = 0;
  /** When set, the phone scans and confirms by itself. */
  autoConfirm: boolean;
  private readonly waiters = new Set<() => void>();
  /** The clock for QR lifetimes, the reply window, quotas and message times (tests pass a manual one). */
  readonly now: () => number;

  constructor(
    readonly options: {
      readonly qrTtlMs: number;
      readonly quota: IlinkQuota | false;
      readonly replyWindowMs: number;
      readonly autoConfirm: boolean;
      readonly botId?: string | undefined;
      readonly ownerId?: string | undefined;
      readonly now?: (() => number) | undefined;
    },
  ) {
    this.now = options.now ?? Date.now;
    this.botId = options.botId ?? `${randomBytes(6).toString('hex')}@im.bot`;
    this.ownerId = options.ownerId ?? `o9cq8${randomBytes(10).toString('hex')}@im.wechat`;
    this.autoConfirm = options.autoConfirm;
    // Above 2^53 on purpose: a client that parses message_id as a JS number loses digits.
    this.nextMessageId = 7_300_000_000_000_000_000n + BigInt(Date.now());
  }

  // ---- QR login --------------------------------------------------------------------------------

  newQr(): QrSession {
    const qr: QrSession = {
      qrcode: token('qr'),
      state: 'wait',
      createdAt: this.now(),
      verifyCode: undefined,
      verifyFailures: 0,
      redirectOnScan: false,
      redirected: false,
      polls: [],
    };
    this.qrs.set(qr.qrcode, qr);
    this.latestQr = qr;
    return qr;
  }

  /** Moves time-driven states along before a status is answered. */
  refreshQr(qr: QrSession): void {
    if ((qr.state === 'wait' || qr.state === 'scaned') && this.now() - qr.createdAt > this.options.qrTtlMs) {
      qr.state = 'expired';
    }
  }

  /** Confirmed: a fresh token for the bot; earlier ones stop working (one live login per bot). */
  issueToken(): string {
    for (const t of this.tokens) this.tokens.delete(t);
    const t = token('ilbt_');
    this.tokens.add(t);
    this.issuedTokens.push(t);
    return t;
  }

  // ---- inbound messages ------------------------------------------------------------------------

  newMessageId(): string {
    this.nextMessageId += 1n;
    return this.nextMessageId.toString();
  }

  newContextToken(userId: string, at: number): string {
    const entry = this.contexts.get(userId) ?? { tokens: [], lastAt: at };
    const t = token('ctx_');
    entry.tokens.push(t);
    if (entry.tokens.length > 50) entry.tokens.shift();
    entry.lastAt = at;
    this.contexts.set(userId, entry);
    return t;
  }

  append(body: Record<string, unknown>): LoggedMessage {
    const entry = { seq: this.nextSeq, body: { ...body, seq: this.nextSeq } };
    this.nextSeq += 1;
    this.log.push(entry);
    for (const w of [...this.waiters]) w();
    return entry;
  }

  /** Messages after `afterSeq`, at most `max`. */
  after(afterSeq: number, max: number): LoggedMessage[] {
    return this.log.filter((m) => m.seq > afterSeq).slice(0, max);
  }

  /** Resolves when a message is appended or after `ms`, whichever first (or when `signal` fires). */
  waitForMessage(ms: number, onClose: (cb: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waiters.add(done);
      onClose(done);
    });
  }

  /** Stores a media object on the CDN, encrypted under a new key; returns its download parameter. */
  putMedia(plain: Buffer): { param: string; key: Buffer; cipher: Buffer; md5: string } {
    const key = randomKey();
    const cipher = ecbEncrypt(key, plain);
    const param = token('dl_');
    this.cdn.set(param, { cipher, keyHex: key.toString('hex') });
    return { param, key, cipher, md5: md5Hex(plain) };
  }

  // ---- sends -----------------------------------------------------------------------------------

  /** True when the send must be refused with ret -2 (and counts it when not). */
  overQuota(now: number): boolean {
    const quota = this.options.quota;
    if (!quota) return false;
    if (now < this.blockedUntil) return true;
    while (this.sendTimes.length > 0 && (this.sendTimes[0] ?? 0) <= now - quota.windowMs) this.sendTimes.shift();
    if (this.sendTimes.length >= quota.sends) {
      this.blockedUntil = now + quota.blockMs;
      return true;
    }
    this.sendTimes.push(now);
    return false;
  }

  /** The first fault armed for this operation, consumed. */
  takeFault(op: string): IlinkFault | undefined {
    const i = this.faults.findIndex((f) => f.op === op || f.op === '*');
    if (i < 0) return undefined;
    const fault = this.faults[i];
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(i, 1);
    return fault;
  }

  contextValid(userId: string, contextToken: string | undefined): 'ok' | 'unknown' | 'closed' {
    const entry = this.contexts.get(userId);
    if (!entry || !contextToken || !entry.tokens.includes(contextToken)) return 'unknown';
    if (this.now() - entry.lastAt > this.options.replyWindowMs) return 'closed';
    return 'ok';
  }
}
