import type { RawMessage } from '../wire/types.js';
import { MsgType } from '../wire/msg-type.js';
import { BoundedSet } from './journal.js';

/** How many ids of the bot's own sent messages are remembered for echo detection. */
export const BOT_MSG_ID_MEMORY = 2000;

/** How long a send stays "in flight" for echo matching after its answer: the sync echo can trail the HTTP answer. */
const INFLIGHT_GRACE_MS = 30_000;

/**
 * Tells the sync echoes of the bot's own sends from messages the account's
 * owner typed on a phone: both arrive with FromUserName = self.
 */
export class EchoTracker {
  /**
   * Ids of messages the bot sent, to mark their sync echoes `sentByBot`. An
   * echo arrives within a sync or two of the send, so only the latest ids matter;
   * bounded so a bot that runs for months does not keep every id it ever sent.
   */
  readonly ids = new BoundedSet(BOT_MSG_ID_MEMORY);
  /** Sends whose request is out (or answered less than INFLIGHT_GRACE_MS ago), by recipient, type and text. */
  private readonly inflight = new Map<string, number>();
  /**
   * Answered sends whose markers expire, oldest first (all share one grace, so release order is expiry
   * order), swept by one timer. A timer per send kept ~7,500 timers alive at 250 sends/s, each outliving
   * two scavenges and promoted to the old generation for nothing.
   */
  private readonly expiring: string[] = [];
  private readonly expiresAt: number[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  /**
   * Sends the server has taken (answered without an error) since the tracker began: a running count the
   * sync loop compares across polls to tell that an echo is waiting (see {@link EchoTracker.answered}).
   */
  answeredCount = 0;
  /** Send requests started since the tracker began (a running count, compared like `answeredCount`). */
  sentCount = 0;
  /** Send requests out and not yet settled. */
  private onWire = 0;
  /** Waiters for the moment no send is on the wire. */
  private quiet: Array<() => void> = [];

  /** Whether a self-sent sync entry is the echo of one of the bot's sends (remembering its id if newly matched). */
  isBotMessage(raw: RawMessage): boolean {
    if (this.ids.has(raw.MsgId)) return true;
    const n = this.inflight.get(sendKey(raw.ToUserName, raw.MsgType, raw.Content)) ?? 0;
    if (n > 0) {
      this.ids.add(raw.MsgId);
      return true;
    }
    return false;
  }

  /** Marks a send as in flight; call the returned function once its request settled. */
  sending(to: string, type: number, content: string | undefined): () => void {
    const k = sendKey(to, type, content);
    this.inflight.set(k, (this.inflight.get(k) ?? 0) + 1);
    this.onWire++;
    this.sentCount++;
    // Keep the marker briefly: the sync echo can arrive after the HTTP answer.
    return () => {
      if (--this.onWire === 0 && this.quiet.length > 0) {
        const waiting = this.quiet;
        this.quiet = [];
        for (const wake of waiting) wake();
      }
      this.expiring.push(k);
      this.expiresAt.push(Date.now() + INFLIGHT_GRACE_MS);
      if (this.sweeper === undefined) this.arm(INFLIGHT_GRACE_MS);
    };
  }

  /** The server took a send (its answer carried no error): its echo is now waiting in the sync stream. */
  answered(msgId: string): void {
    this.answeredCount++;
    if (msgId) this.ids.add(msgId);
  }

  /**
   * Resolves once no send is on the wire, after `maxMs`, or when `signal` aborts, whichever comes first;
   * undefined when none is out now. The sync loop waits on it after handing a sync's messages to their
   * handlers, so the replies those handlers sent are answered before it decides how to poll next.
   */
  settled(maxMs: number, signal?: AbortSignal): Promise<void> | undefined {
    if (this.onWire === 0 || signal?.aborted === true) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', gaveUp);
        resolve();
      };
      const gaveUp = (): void => {
        const at = this.quiet.indexOf(done);
        if (at >= 0) this.quiet.splice(at, 1);
        done();
      };
      const timer = setTimeout(gaveUp, maxMs);
      signal?.addEventListener('abort', gaveUp, { once: true });
      this.quiet.push(done);
    });
  }

  private arm(ms: number): void {
    this.sweeper = setTimeout(this.sweep, ms);
    this.sweeper.unref();
  }

  private readonly sweep = (): void => {
    this.sweeper = undefined;
    const now = Date.now();
    let n = 0;
    while (n < this.expiring.length && this.expiresAt[n]! <= now) {
      const k = this.expiring[n++]!;
      const cur = this.inflight.get(k) ?? 0;
      if (cur <= 1) this.inflight.delete(k);
      else this.inflight.set(k, cur - 1);
    }
    this.expiring.splice(0, n);
    this.expiresAt.splice(0, n);
    // At most one sweep a second: a marker may outlive its grace by that much, which only widens the window.
    if (this.expiring.length > 0) this.arm(Math.max(SWEEP_EVERY_MS, this.expiresAt[0]! - now));
  };
}

/** The sweeper's shortest interval. */
const SWEEP_EVERY_MS = 1000;

/** A file send goes out as MsgType 6 and echoes as an app message (49): both key as 6. */
function sendKey(to: string, type: number, content: string | undefined): string {
  const t = type === MsgType.App ? 6 : type;
  return `${to}\u0000${t}\u0000${t === MsgType.Text ? (content ?? '') : ''}`;
}
