/**
 * A batch that keeps failing to journal holds the cursor (see loop.ts). When the failure is the
 * storage's (disk full, read-only, store down), holding is right: nothing may be skipped. When it is
 * one message's (the store refuses that entry: too large, invalid), holding would stop the account
 * receiving forever. After `attempts` failures spanning at least `afterMs`, the batch is taken apart:
 *
 * 1. The inbox is written without the batch. If that fails too, the storage is at fault: hold.
 * 2. Each message is journaled alone. One that fails, with an error that is not a storage-wide one
 *    (ENOSPC, EROFS, EIO, ...), is moved to a dead-letter file and skipped; if even that file cannot
 *    be written, hold.
 *
 * The rule is recorded in docs/decisions (hF, iLink poison batch).
 */
import { JournalUnavailable } from './errors.js';
import { messageKey, type IlinkInbox, type InboxEntry } from './state.js';
import type { WeixinMessage } from './wire.js';

export interface PoisonPolicy {
  /** Failed journal writes of one batch before it is taken apart. Default 5. */
  readonly attempts: number;
  /** ...and at least this long since its first failure (ms), so a short outage never triggers it. Default 60 s. */
  readonly afterMs: number;
}

export const DEFAULT_POISON: PoisonPolicy = { attempts: 5, afterMs: 60_000 };

/** The policy to use, with a clear error for a value that would dead-letter at the first hiccup or never. */
export function poisonPolicy(given: Partial<PoisonPolicy> | undefined): PoisonPolicy {
  const policy = { ...DEFAULT_POISON, ...given };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1)
    throw new TypeError(`iLink option poison.attempts: expected an integer >= 1, got ${String(policy.attempts)}`);
  if (!Number.isFinite(policy.afterMs) || policy.afterMs < 0)
    throw new TypeError(`iLink option poison.afterMs: expected milliseconds >= 0, got ${String(policy.afterMs)}`);
  return policy;
}

/** Error codes that say the storage as a whole is failing, whichever entry is written. */
const STORAGE_WIDE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE', 'ENOENT']);

export function isStorageWide(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && STORAGE_WIDE.has(code);
}

/** Moves one message aside; rejects when it cannot (the batch is then held). */
export type DeadLetterSink = (msg: WeixinMessage, error: unknown, attempts: number) => Promise<void>;

/** Counts the failures of the batch at one cursor; a success or another cursor starts over. */
export class StuckBatch {
  #cursor: string | undefined;
  #since = 0;
  #attempts = 0;

  constructor(private readonly policy: PoisonPolicy) {}

  /** Records a failure of the batch fetched at `cursor`; true once it is due to be taken apart. */
  failed(cursor: string, now: number): boolean {
    if (this.#cursor !== cursor) {
      this.#cursor = cursor;
      this.#since = now;
      this.#attempts = 0;
    }
    this.#attempts += 1;
    return this.#attempts >= this.policy.attempts && now - this.#since >= this.policy.afterMs;
  }

  get attempts(): number {
    return this.#attempts;
  }

  clear(): void {
    this.#cursor = undefined;
    this.#attempts = 0;
  }
}

/**
 * Journals what of `msgs` can be, dead-letters the messages whose own write fails, and resolves with
 * the journaled entries and the messages moved aside. Rejects with {@link JournalUnavailable} when the storage itself is failing.
 */
export async function takeApart(
  inbox: IlinkInbox,
  msgs: readonly WeixinMessage[],
  now: number,
  attempts: number,
  deadLetter: DeadLetterSink,
): Promise<{ fresh: InboxEntry[]; dead: ReadonlySet<WeixinMessage> }> {
  const dead = new Set<WeixinMessage>();
  try {
    // The canary: the journal as it was before this batch. Failing, no message can be blamed.
    await inbox.flush();
  } catch (error) {
    throw new JournalUnavailable(error);
  }
  const fresh: InboxEntry[] = [];
  try {
    for (const msg of msgs) {
      try {
        fresh.push(...(await inbox.accept([msg], now)));
      } catch (error) {
        if (isStorageWide(error)) throw new JournalUnavailable(error);
        try {
          await deadLetter(msg, error, attempts);
        } catch (sinkError) {
          throw new JournalUnavailable(sinkError);
        }
        inbox.skip(messageKey(msg));
        dead.add(msg);
      }
    }
  } catch (error) {
    // The batch is held and fetched again: what was journaled must be taken again then, and handed over.
    inbox.forget(fresh);
    throw error;
  }
  return { fresh, dead };
}
