import { join } from 'node:path';
import { UOS_CLIENT_VERSION, UOS_EXTSPAM, DEFAULT_USER_AGENT } from '../wire/constants.js';
import { FileSessionStore } from '../session/file-store.js';
import type { Hosts, SessionStore } from '../session/types.js';
import { keepHeldCursor, type CursorPolicy } from './cursor-policy.js';
import { InvalidArgument } from './errors.js';
import type { DesktopIdentity } from './login.js';
import { DEFAULT_BUCKETS, type OutboxOptions } from './outbox.js';
import type { ActionClass, ClientOptions } from './types.js';

/** Internal knobs beyond ClientOptions (tests shorten them). */
export interface ClientInternals {
  /** Minimum time between two synccheck calls that found nothing (guards against servers that do not hold). */
  minPollIntervalMs?: number;
  /** Delay before coalesced batchgetcontact calls. */
  contactBatchDelayMs?: number;
  /** Minimum gap between batchgetcontact calls. */
  contactBatchGapMs?: number;
  /** How long delivery in a chat waits for batchgetcontact of an unknown sender. Default 3,000. */
  lookupHoldMs?: number;
  /** How long stop() waits for the queue and handlers. */
  drainTimeoutMs?: number;
  /**
   * At most one session checkpoint (journal fsync + SyncKey save) per this
   * many ms while messages flow. A SyncKey that trails by one interval only
   * means the server re-sends those messages after a crash, and the inbox's
   * dedupe drops them. Default 1,000.
   */
  checkpointMs?: number;
  /** Which SyncKey recovery paths continue from; default `keepHeldCursor`. */
  cursorPolicy?: CursorPolicy;
  /** Files of at least this many bytes are checked with webwxcheckupload first. Default 25 MiB (the web client's). */
  checkUploadMinBytes?: number;
}

/** ClientOptions with every default applied, checked once at construction. */
export type ResolvedOptions = {
  account: string;
  store: SessionStore;
  loginMode: NonNullable<ClientOptions['loginMode']>;
  desktop: DesktopIdentity | undefined;
  userAgent: string;
  hostOverrides: Partial<Hosts>;
  qrTerminal: boolean;
  qrPng: string | false;
  maxRefreshes: number;
  requestMs: number;
  longPollMs: number;
  loginMs: number;
  uploadMs: number;
  backoffBase: number;
  backoffMax: number;
  onLogout: ReadonlyArray<'reinit' | 'push' | 'qr'>;
  stuckThreshold: number;
  watchdogMs: number;
  keepAliveMs: number;
  rateLimitRetries: number;
  maxAgeMs: number;
  reconcileMs: number;
  dedupeSize: number;
  lang: string;
  jitterMs: number;
  buckets: Record<ActionClass, { burst: number; perSecond: number }>;
  sharedBuckets: ClientOptions['sharedBuckets'];
  concurrency: Partial<Record<ActionClass, number>>;
  minPollMs: number;
  batchDelayMs: number;
  batchGapMs: number;
  drainMs: number;
  lookupHoldMs: number;
  checkpointMs: number;
  spoolDir: string;
  cursor: CursorPolicy;
  largeRoomAdd: 'invite' | 'refuse';
  checkUploadMinBytes: number;
};

export function resolveOptions(o: ClientOptions, i: ClientInternals): ResolvedOptions {
  if (!o || typeof o.dataDir !== 'string' || o.dataDir === '') {
    throw new InvalidArgument('createClient', 'options.dataDir is required (a directory for the session and journals)');
  }
  const account = o.account ?? 'default';
  if (!/^[\w.-]{1,64}$/.test(account))
    throw new InvalidArgument(
      'createClient',
      `options.account ${JSON.stringify(account)} must match [A-Za-z0-9_.-]{1,64}`,
    );
  const desktopOpt = o.desktop ?? true;
  const d = typeof desktopOpt === 'object' ? desktopOpt : {};
  const loginMode = o.loginMode ?? 'auto';
  const defaultOnLogout: Array<'reinit' | 'push' | 'qr'> =
    loginMode === 'hot' ? ['reinit'] : loginMode === 'push' ? ['reinit', 'push'] : ['reinit', 'push', 'qr'];
  const r = o.recovery ?? {};
  const cutoff = o.historyCutoffSeconds;
  if (cutoff !== undefined && cutoff !== false && !(Number.isInteger(cutoff) && cutoff >= 0))
    throw new InvalidArgument(
      'createClient',
      `options.historyCutoffSeconds must be an integer ≥ 0 or false (got ${String(cutoff)})`,
    );
  return {
    account,
    store: o.sessionStore ?? new FileSessionStore(o.dataDir),
    loginMode,
    desktop:
      desktopOpt === false
        ? undefined
        : { clientVersion: d.clientVersion ?? UOS_CLIENT_VERSION, extspam: d.extspam ?? UOS_EXTSPAM },
    userAgent: d.userAgent ?? DEFAULT_USER_AGENT,
    hostOverrides: o.hosts ?? {},
    qrTerminal: o.qr?.terminal ?? true,
    qrPng: o.qr?.pngPath === undefined ? join(o.dataDir, `${account}.qr.png`) : o.qr.pngPath,
    maxRefreshes: o.qr?.maxRefreshes ?? 5,
    requestMs: o.timeouts?.requestMs ?? 30_000,
    longPollMs: o.timeouts?.longPollMs ?? 40_000,
    loginMs: o.timeouts?.loginMs ?? 300_000,
    uploadMs: o.timeouts?.uploadMs ?? 120_000,
    backoffBase: r.backoff?.baseMs ?? 1_000,
    backoffMax: r.backoff?.maxMs ?? 60_000,
    onLogout: r.onLogout === false ? [] : (r.onLogout ?? defaultOnLogout),
    stuckThreshold: r.stuckSyncThreshold ?? 10,
    watchdogMs: r.watchdogMs ?? 180_000,
    keepAliveMs: r.keepAliveMs ?? 1_800_000,
    rateLimitRetries: r.rateLimitRetries ?? 3,
    maxAgeMs: positive(o.sends?.maxAgeMs, 'sends.maxAgeMs') ?? 600_000,
    reconcileMs: positive(o.sends?.reconcileMs, 'sends.reconcileMs') ?? 60_000,
    dedupeSize: o.dedupeSize ?? 5_000,
    lang: o.lang ?? 'zh_CN',
    jitterMs: o.sendJitterMs ?? 300,
    buckets: { ...DEFAULT_BUCKETS, ...o.rateLimits },
    sharedBuckets: o.sharedBuckets,
    concurrency: checkConcurrency(o.sendConcurrency),
    minPollMs: i.minPollIntervalMs ?? 500,
    batchDelayMs: i.contactBatchDelayMs ?? 50,
    batchGapMs: i.contactBatchGapMs ?? 250,
    drainMs: i.drainTimeoutMs ?? 10_000,
    lookupHoldMs: i.lookupHoldMs ?? 3_000,
    checkpointMs: i.checkpointMs ?? 1_000,
    cursor: i.cursorPolicy ?? keepHeldCursor,
    spoolDir: join(o.dataDir, 'outbox-media', account),
    largeRoomAdd: largeRoomAdd(o.rooms?.largeRoomAdd),
    checkUploadMinBytes: i.checkUploadMinBytes ?? CHECK_UPLOAD_MIN_BYTES,
  };
}

/** The web client asks webwxcheckupload about files this large (25 MiB) before uploading them. */
export const CHECK_UPLOAD_MIN_BYTES = 25 * 1024 * 1024;

function largeRoomAdd(v: unknown): 'invite' | 'refuse' {
  if (v === undefined || v === 'invite' || v === 'refuse') return v ?? 'invite';
  throw new InvalidArgument(
    'createClient',
    `options.rooms.largeRoomAdd must be "invite" or "refuse" (got ${JSON.stringify(v)})`,
  );
}

function positive(v: number | undefined, name: string): number | undefined {
  if (v !== undefined && !(typeof v === 'number' && v > 0))
    throw new InvalidArgument(
      'createClient',
      `options.${name} must be a number of milliseconds > 0 (got ${String(v)})`,
    );
  return v;
}

function checkConcurrency(c: ClientOptions['sendConcurrency']): Partial<Record<ActionClass, number>> {
  for (const [cls, n] of Object.entries(c ?? {})) {
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgument(
        'createClient',
        `options.sendConcurrency.${cls} must be an integer ≥ 1 (got ${String(n)})`,
      );
  }
  return { ...c };
}

/** The send queue's settings from the client's options; `hooks` connect it to the client's state. */
export function outboxOptions(
  o: ResolvedOptions,
  hooks: Pick<OutboxOptions, 'ready' | 'onRateLimited' | 'signal'>,
): OutboxOptions {
  return {
    buckets: o.buckets,
    ...(o.sharedBuckets === undefined ? {} : { sharedBuckets: o.sharedBuckets }),
    concurrency: o.concurrency,
    jitterMs: o.jitterMs,
    rateLimitRetries: o.rateLimitRetries,
    // For actions other than journaled sends (those retry until maxAgeMs).
    networkRetries: 3,
    maxAgeMs: o.maxAgeMs,
    backoffBaseMs: o.backoffBase,
    backoffMaxMs: o.backoffMax,
    ...hooks,
  };
}
