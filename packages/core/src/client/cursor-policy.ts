import type { SyncKey } from '../wire/types.js';

/** Why the client ran webwxinit. */
export type InitReason =
  /** A QR or push login (at start or while recovering from a logout). */
  | 'login'
  /** Resuming a saved session at start (hot login). */
  | 'hot'
  /** Re-init with the current credentials: the stuck-selector breaker, or the first step of logout recovery. */
  | 'reinit';

/** What the client knows when webwxinit answers. */
export interface CursorChoice {
  readonly reason: InitReason;
  /** The SyncKey the client holds (saved, or from the session it is recovering); undefined when it has none. */
  readonly held: SyncKey | undefined;
  /** The account (Uin) the held key belongs to; undefined when none is held. */
  readonly heldUin: number | undefined;
  /** The account the new init is for. */
  readonly uin: number;
  /** The key webwxinit offered. */
  readonly offered: SyncKey;
}

/**
 * Decides which SyncKey the sync loop continues from after webwxinit.
 *
 * webwxinit answers with a key at the account's latest position: adopting it
 * skips every message queued behind the key the client holds. A recovery
 * (breaker re-init, push login after 1101, restart) must therefore keep the
 * held key, and only take the offered one when there is nothing to keep or
 * the server proved the held key unusable.
 */
export interface CursorPolicy {
  /** `keep`: continue from the held key; `adopt`: continue from the offered one. */
  afterInit(choice: CursorChoice): 'keep' | 'adopt';
  /**
   * webwxsync refused the key the client kept (a non-logout BaseResponse.Ret,
   * `consecutive` times in a row since the last accepted sync). `true`: the key
   * is proven invalid, adopt the key of the latest webwxinit.
   */
  rejected(ret: number, consecutive: number): boolean;
}

/** Refusals in a row after which a kept key counts as proven invalid. */
export const KEPT_KEY_REFUSALS = 3;

/**
 * Keeps the held key whenever there is one for the same account; adopts the
 * server's only for a first login (nothing held), another account, or a key
 * webwxsync refused `KEPT_KEY_REFUSALS` times in a row.
 */
export const keepHeldCursor: CursorPolicy = {
  afterInit({ held, heldUin, uin }) {
    if (!held || held.List.length === 0) return 'adopt';
    return heldUin === uin ? 'keep' : 'adopt';
  },
  rejected(_ret, consecutive) {
    return consecutive >= KEPT_KEY_REFUSALS;
  },
};

/** A SyncKey the client holds, with the account it belongs to. */
export interface HeldCursor {
  readonly syncKey: SyncKey;
  readonly syncCheckKey: SyncKey | undefined;
  readonly uin: number;
}
