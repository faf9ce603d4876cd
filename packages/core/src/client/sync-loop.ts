import type { Logger } from 'pino';
import type { MemoryContactStore } from '../contact/store.js';
import { alignedPairs, parseStatusNotify } from '../wire/status-notify.js';
import { MsgType, StatusNotifyCode } from '../wire/msg-type.js';
import type { RawMessage, SyncResponse } from '../wire/types.js';
import { backoffDelay, sleep } from '../util/backoff.js';
import type { CredentialSlot } from './cred-slot.js';
import { isSyncKey } from './credentials.js';
import type { CursorKeeper } from './cursor-keeper.js';
import type { EchoTracker } from './echo.js';
import { LoggedOut, ProtocolError, ServerError } from './errors.js';
import type { ClientEmitter } from './events.js';
import type { HistoryCutoff } from './history-cutoff.js';
import type { Inbox } from './inbox.js';
import type { ResolvedOptions } from './options.js';
import type { ObservedApi } from './send-reconcile.js';
import { checkSync } from './sync-answer.js';

const LOGOUT_CODES = new Set([1100, 1101, 1102]);

/**
 * After a sync's messages went to their handlers, how long the loop waits at most for the replies they
 * sent to be answered before it polls again (decision 0037). A send slower than this is left to synccheck.
 */
export const ECHO_WAIT_MS = 500;

/** What the sync loop reports; it never recovers by itself, whoever owns the state machine decides. */
export interface SyncReports {
  /** The server says the session is gone; the loop has ended. */
  loggedOut(endpoint: string, ret: number | undefined): void;
  /**
   * The selector keeps signalling but syncs bring nothing. The loop waits for the answer: 'stop' ends
   * it (a recovery took over), 'continue' polls again. `running` tells whether this loop is still current.
   */
  stuck(running: () => boolean): Promise<'continue' | 'stop'>;
}

export interface SyncLoopDeps {
  readonly o: Pick<ResolvedOptions, 'minPollMs' | 'stuckThreshold' | 'backoffBase' | 'backoffMax'>;
  readonly log: Logger;
  readonly api: Pick<ObservedApi, 'syncCheck' | 'sync'>;
  readonly cred: CredentialSlot;
  readonly contacts: MemoryContactStore;
  readonly cursor: Pick<CursorKeeper, 'failed' | 'accepted'>;
  readonly echo: Pick<EchoTracker, 'isBotMessage' | 'answeredCount' | 'sentCount' | 'settled'>;
  readonly history: Pick<HistoryCutoff, 'split'>;
  readonly inbox: Pick<Inbox, 'skip' | 'accept' | 'deliverPending' | 'started'>;
  readonly events: ClientEmitter;
  /** Asks for a session checkpoint once the entries of a sync are journaled. */
  readonly checkpoint: () => void;
  /** Whether the client is in the `syncing` state. */
  readonly syncing: () => boolean;
  readonly signal: AbortSignal;
  readonly reports: SyncReports;
}

/**
 * synccheck → webwxsync → inbox, in a loop. Each start() begins a new
 * generation; a loop whose generation is no longer current ends at its next step.
 */
export class SyncLoop {
  private gen = 0;
  /** When the last synccheck or webwxsync answered (the watchdog reads it). */
  lastProgress = Date.now();
  /** The echo tracker's answered-send count when the latest webwxsync request went out. */
  private readAt = 0;
  /** The echo tracker's started-send count at the same moment: sends started later are this read's replies. */
  private sentAt = 0;
  /** Settles when the current loop has ended. */
  done: Promise<void> = Promise.resolve();

  constructor(private readonly d: SyncLoopDeps) {}

  start(): void {
    const gen = ++this.gen;
    this.lastProgress = Date.now();
    this.done = this.run(gen).catch((err: unknown) => {
      this.d.events.error(err, 'sync loop crashed');
    });
  }

  /** Ends the current loop at its next step (an in-flight request is aborted by whoever stops the client). */
  stop(): void {
    this.gen++;
  }

  private running(gen: number): boolean {
    return this.gen === gen && !this.d.signal.aborted && this.d.syncing();
  }

  private async run(gen: number): Promise<void> {
    const { o, signal } = this.d;
    let failures = 0;
    let empty = 0;
    // Whether the next poll skips synccheck: the server has taken a send of ours since the last
    // webwxsync read, so its echo is waiting, and synccheck could only say so (decision 0037).
    let direct = false;
    while (this.running(gen)) {
      const started = Date.now();
      try {
        if (!direct) {
          const sc = await this.d.api.syncCheck();
          this.lastProgress = Date.now();
          if (!this.running(gen)) return;
          if (LOGOUT_CODES.has(sc.retcode)) {
            this.d.reports.loggedOut('synccheck', sc.retcode);
            return;
          }
          if (sc.retcode !== 0) throw new ServerError('synccheck', sc.retcode, 'unexpected retcode');
          failures = 0;
          if (sc.selector === 0) {
            const rest = o.minPollMs - (Date.now() - started);
            if (rest > 0) await sleep(rest, signal);
            continue;
          }
        }
        const unsignalled = direct;
        direct = false;
        const got = await this.syncOnce(gen);
        if (got > 0) {
          empty = 0;
          // The next poll waits until the handlers of what this sync brought have started (the inbox
          // starts one per turn): anything it fetched sooner would only queue behind them, while each
          // poll taken mid-burst costs a synccheck and a webwxsync that bring a few of the bot's own
          // echoes (a burst of 100 took ~9 such rounds). Then one more turn, so the last handler's reply
          // is on its way before the poll is built: a reply waiting behind the poll is latency.
          const started = this.d.inbox.started();
          if (started) await started;
          await new Promise<void>((resolve) => setImmediate(resolve));
          direct = await this.echoWaiting();
          continue;
        }
        // A read nothing signalled found nothing (the echo came with the previous read): no sign of a
        // stuck selector, and no reason to read again before synccheck says so.
        if (unsignalled) continue;
        empty++;
        if (empty >= o.stuckThreshold) {
          empty = 0;
          if ((await this.d.reports.stuck(() => this.running(gen))) === 'stop') return;
        }
      } catch (err) {
        if (!this.running(gen)) return;
        if (err instanceof LoggedOut) {
          this.d.reports.loggedOut(err.endpoint, err.ret);
          return;
        }
        failures++;
        const cred = this.d.cred.current;
        if (cred) await this.d.cursor.failed(cred, err);
        const delay = backoffDelay(failures, o.backoffBase, o.backoffMax);
        this.d.events.error(err, `sync loop (attempt ${failures}, retrying in ${delay} ms)`);
        await sleep(delay, signal);
      }
    }
  }

  /**
   * When the handlers of the latest read sent something, waits (at most {@link ECHO_WAIT_MS}) for the sends
   * now on the wire to be answered; then tells whether
   * the server took a send since the last webwxsync went out: its echo is then waiting, and the next poll
   * reads it with webwxsync straight away instead of asking synccheck first. Whatever else arrived in the
   * meantime comes with it, as it would after synccheck's signal; a send still unanswered is left to
   * synccheck, so a slow send holds the next poll no longer than the bound.
   */
  private async echoWaiting(): Promise<boolean> {
    // Only when this read's handlers sent something: a send already out before it (a plugin's timer, a
    // bulk send) must not hold the poll that would bring the next inbound message.
    const replied = this.d.echo.sentCount !== this.sentAt;
    const quiet = replied ? this.d.echo.settled(ECHO_WAIT_MS, this.d.signal) : undefined;
    if (quiet) await quiet;
    return this.d.echo.answeredCount !== this.readAt;
  }

  /** webwxsync until ContinueFlag is 0; returns how many things it brought. */
  private async syncOnce(gen: number): Promise<number> {
    let total = 0;
    for (let round = 0; round < 50; round++) {
      this.readAt = this.d.echo.answeredCount;
      this.sentAt = this.d.echo.sentCount;
      const res = await this.d.api.sync();
      this.lastProgress = Date.now();
      if (this.gen !== gen) return total;
      total += await this.apply(res);
      if (!res.ContinueFlag) break;
    }
    return total;
  }

  /**
   * Applies one webwxsync answer in the order that keeps the delivery promise:
   * contacts, then journal the messages durably, then persist the SyncKey.
   */
  private async apply(res: SyncResponse): Promise<number> {
    const { contacts: store, inbox, log } = this.d;
    const cred = this.d.cred.require('webwxsync');
    let count = 0;
    const updated: string[] = [];
    const removed: string[] = [];
    const sync = checkSync(res);
    let bad = sync.skipped;
    // A contact change the store cannot take costs only itself (see checkSync).
    const apply = (f: () => void): void => {
      count++;
      try {
        f();
      } catch {
        bad++;
      }
    };
    for (const c of sync.contacts)
      apply(() => {
        store.upsert(c);
        updated.push(c.UserName);
      });
    for (const d of sync.deleted)
      apply(() => {
        if (store.remove(d.UserName)) removed.push(d.UserName);
      });
    for (const m of sync.members)
      apply(() => {
        store.setMembers(m.UserName, m.MemberList, m.MemberCount);
        updated.push(m.UserName);
      });
    const entries: Array<{ raw: RawMessage; sentByBot: boolean }> = [];
    const selfName = store.selfOrUndefined?.userName;
    for (const raw of sync.messages) {
      // Status notifications are decided here, never delivered: the one that matters pairs session
      // UserNames with stable ids (the normaliser's StatusNotify kind is for fixtures and tools).
      if (raw.MsgType === MsgType.StatusNotify) {
        apply(() => {
          const sn = raw.StatusNotifyCode === StatusNotifyCode.SyncConv ? parseStatusNotify(raw) : undefined;
          if (sn?.truncated) log.warn('a status notification listed more chats than are read; none of it paired');
          if (sn) updated.push(...store.applyPairs(alignedPairs(sn)));
        });
        continue;
      }
      let sentByBot = false;
      try {
        sentByBot = raw.FromUserName === selfName && this.d.echo.isBotMessage(raw);
      } catch {
        bad++; // still delivered: the normaliser reads what it can of any entry
      }
      entries.push({ raw, sentByBot });
      count++;
    }
    if (bad > 0)
      this.d.events.error(
        new ProtocolError('webwxsync', `${bad} malformed entries skipped or read in part`),
        'webwxsync',
      );
    if (updated.length > 0 || removed.length > 0) this.d.events.emit('contacts-updated', { updated, removed });
    const { deliver, history } = this.d.history.split(entries);
    if (history.length > 0) {
      const n = await inbox.skip(history);
      if (n > 0) log.info({ skipped: n }, 'messages from before the login not handed over (historyCutoffSeconds)');
    }
    await inbox.accept(deliver);
    cred.syncKey = isSyncKey(res.SyncKey) && res.SyncKey.List.length > 0 ? res.SyncKey : cred.syncKey;
    this.d.cursor.accepted();
    if (isSyncKey(res.SyncCheckKey) && res.SyncCheckKey.List.length > 0) cred.syncCheckKey = res.SyncCheckKey;
    if (typeof res.SKey === 'string' && res.SKey) cred.skey = res.SKey;
    cred.round++;
    // Entries are written (a process crash keeps them), so handlers can start now; the SyncKey
    // covering them is persisted by the next checkpoint, once the journal is synced, off the reply path.
    inbox.deliverPending();
    this.d.checkpoint();
    return count;
  }
}
