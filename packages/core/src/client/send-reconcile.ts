import { replaceBreaks, unescapeHtml } from '../message/text.js';
import type { SyncCheckResult } from '../wire/synccheck.js';
import type { RawMessage, SyncResponse } from '../wire/types.js';
import { WebApi } from '../wire/endpoints.js';
import { BoundedSet } from './journal.js';

/** What a lost send is recognised by in the sync echoes. */
export interface SendShape {
  clientMsgId: string;
  /** Recipient UserName (of the session the echo comes through). */
  to: string;
  msgType: number;
  /** Text as sent (decoded); compared for text sends only. */
  content?: string | undefined;
  /** Epoch ms the request first went out: an echo created well before it is an older message. */
  sentAt: number;
}

/** `arrived`: its echo came back (with the server MsgId). `absent`: provably not delivered. */
export type EchoVerdict = { arrived: string } | 'absent' | 'unknown';

export interface ReconcilerOptions {
  /** How long a lost send may wait for proof either way before it is `unknown`. */
  boundMs: number;
  /** The bot's own UserName (echoes come From it). */
  selfName: () => string | undefined;
  /** MsgIds of sends the server answered: their echoes are nobody's lost answer. */
  isAnswered: (msgId: string) => boolean;
  /** A tracked send's echo was found (journal it, mark the echo sentByBot). */
  onMatch: (clientMsgId: string, msgId: string) => void;
  /** Identifies the session: a probe of another session's send is never proven absent by this one's syncs. */
  session: () => string;
  /** Whether this server was already seen to echo the bot's sends (persisted across restarts). */
  echoes: () => boolean;
  /** Called once when an echo of an answered send is first seen. */
  onEchoesLearned: () => void;
}

interface Probe {
  shape: SendShape;
  session: string;
  /** Sync request counter when the answer was found lost; -1 while the request is in flight. */
  lostAt: number;
  echoMsgId: string | undefined;
  resolve: ((v: EchoVerdict) => void) | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** One send's reconciliation handle (see SendReconciler.track). */
export interface SendProbe {
  /** The server answered with this MsgId: stop tracking. */
  answered(msgId: string): void;
  /** The request failed in a way that says it was not delivered (1204, 1205...): stop tracking. */
  discard(): void;
  /** The answer was lost: resolves once its echo came, its absence is proven, or the bound passed. */
  lost(): Promise<EchoVerdict>;
}

/** Answered sends without a single echo after which absence of an echo proves nothing. */
const NO_ECHO_AFTER = 5;

/** How far the server's clock (CreateTime) may be behind ours before an echo counts as older than the send. */
const CLOCK_SKEW_MS = 120_000;

/** Echo type of a sent MsgType (files and links come back as appmsg 49). */
function echoType(msgType: number): number {
  return msgType === 1 || msgType === 3 || msgType === 43 || msgType === 47 ? msgType : 49;
}

/**
 * Decides whether a send whose answer was lost reached the server, from what
 * webwxsync brings back: the server echoes every message this session sends
 * (From = self). Sends are tracked from just before their request goes out,
 * so an echo that arrives before the failure is noticed still counts.
 *
 * Proof of absence: a synccheck that started after the failure answered
 * "nothing new", or a webwxsync that started after it brought messages and
 * everything it had (ContinueFlag 0) without the echo. The server queues the
 * echo before it answers, so either would have carried it. An empty webwxsync
 * is no proof (a stuck server signals news and then sends nothing). That proof rests on the server
 * echoing sends at all: once this process saw `NO_ECHO_AFTER` sends answered
 * and none of them echoed (and no earlier run saw one), a send without an echo
 * is `unknown` (at most once), never re-sent.
 *
 * An echo is matched by ClientMsgId/LocalID when it carries one, else by
 * recipient, type, (for text) content and time (not created before the send,
 * within CLOCK_SKEW_MS); an echo already claimed, or of a send the server
 * answered, is never matched again.
 */
export class SendReconciler {
  private seq = 0;
  private echoes: boolean;
  private answeredCount = 0;
  private readonly probes = new Map<string, Probe>();
  private readonly claimed = new BoundedSet(2000);

  constructor(private readonly o: ReconcilerOptions) {
    this.echoes = false;
  }

  /** Starts tracking a send just before its request goes out. */
  track(shape: SendShape): SendProbe {
    const probe: Probe = {
      shape,
      session: this.o.session(),
      lostAt: -1,
      echoMsgId: undefined,
      resolve: undefined,
      timer: undefined,
    };
    this.probes.set(shape.clientMsgId, probe);
    const forget = (): void => {
      if (this.probes.get(shape.clientMsgId) === probe) this.probes.delete(shape.clientMsgId);
      if (probe.timer) clearTimeout(probe.timer);
    };
    return {
      answered: (msgId) => {
        this.answeredCount++;
        if (probe.echoMsgId === msgId) this.learn();
        forget();
      },
      discard: forget,
      lost: () =>
        new Promise<EchoVerdict>((resolve) => {
          if (probe.echoMsgId !== undefined) {
            forget();
            resolve({ arrived: probe.echoMsgId });
            return;
          }
          probe.lostAt = this.seq;
          probe.resolve = (v) => {
            forget();
            resolve(v);
          };
          probe.timer = setTimeout(() => probe.resolve?.('unknown'), this.o.boundMs);
          probe.timer.unref();
        }),
    };
  }

  /** Every probe waiting now is answered `unknown` (the client stops; the journal keeps them). */
  abandon(): void {
    for (const p of [...this.probes.values()]) p.resolve?.('unknown');
  }

  get tracking(): number {
    return this.probes.size;
  }

  /** A sync request is about to start; returns its place in order. */
  starting(): number {
    return ++this.seq;
  }

  syncChecked(started: number, r: SyncCheckResult): void {
    if (r.retcode === 0 && r.selector === 0) this.prove(started);
  }

  synced(started: number, res: SyncResponse): void {
    const list = Array.isArray(res.AddMsgList) ? res.AddMsgList : [];
    if (list.length === 0) return;
    this.scan(list);
    // An empty answer proves nothing: a stuck server says "something new" and then sends nothing.
    if (!res.ContinueFlag) this.prove(started);
  }

  private learn(): void {
    if (this.echoes) return;
    this.echoes = true;
    if (this.o.echoes()) return;
    this.o.onEchoesLearned();
  }

  /** Lost sends that failed before request `started` began and were not echoed by now did not arrive. */
  private prove(started: number): void {
    // The protocol echoes every send; a server seen answering sends but never echoing them does not.
    const echoes = this.echoes || this.o.echoes() || this.answeredCount < NO_ECHO_AFTER;
    const session = this.o.session();
    for (const p of [...this.probes.values()]) {
      // After a re-login the old session's echoes are gone: silence proves nothing.
      if (p.resolve && p.lostAt < started) p.resolve(echoes && p.session === session ? 'absent' : 'unknown');
    }
  }

  private scan(list: readonly RawMessage[]): void {
    const self = this.o.selfName();
    if (self === undefined) return;
    for (const m of list) {
      if (m === null || typeof m !== 'object' || m.FromUserName !== self) continue;
      // Raw answer, before the sync loop's checks: servers send MsgId as a string or a number.
      const rawId: unknown = m.MsgId;
      const id = typeof rawId === 'string' ? rawId : typeof rawId === 'number' ? String(rawId) : '';
      if (id === '' || this.claimed.has(id)) continue;
      if (this.o.isAnswered(id)) {
        this.learn();
        continue;
      }
      // Stryker disable next-line ConditionalExpression: a shortcut; with no probes find() matches nothing anyway
      if (this.probes.size === 0) continue;
      const probe = this.find(m);
      if (!probe) continue;
      this.claimed.add(id);
      probe.echoMsgId = id;
      this.o.onMatch(probe.shape.clientMsgId, id);
      probe.resolve?.({ arrived: id });
    }
  }

  private find(m: RawMessage): Probe | undefined {
    const raw = m as RawMessage & { ClientMsgId?: unknown; LocalID?: unknown };
    const cid =
      typeof raw.ClientMsgId === 'string' ? raw.ClientMsgId : typeof raw.LocalID === 'string' ? raw.LocalID : '';
    if (cid !== '') {
      const p = this.probes.get(cid);
      if (p && p.echoMsgId === undefined) return p;
    }
    let text: string | undefined;
    for (const p of this.probes.values()) {
      const s = p.shape;
      if (p.echoMsgId !== undefined || s.to !== m.ToUserName || echoType(s.msgType) !== m.MsgType) continue;
      const created = typeof m.CreateTime === 'number' ? m.CreateTime * 1000 : NaN;
      if (created < s.sentAt - CLOCK_SKEW_MS) continue;
      if (s.msgType === 1) {
        text ??= typeof m.Content === 'string' ? unescapeHtml(replaceBreaks(m.Content)) : '';
        if (text !== s.content) continue;
      }
      return p;
    }
    return undefined;
  }
}

/** The API with webwxsync and synccheck reported to a reconciler (the sync loop stays as it is). */
export class ObservedApi extends WebApi {
  reconciler: SendReconciler | undefined;

  constructor(
    http: ConstructorParameters<typeof WebApi>[0],
    cred: ConstructorParameters<typeof WebApi>[1],
    lang: string,
    longPollMs: number,
    reconciler?: SendReconciler,
  ) {
    super(http, cred, lang, longPollMs);
    this.reconciler = reconciler;
  }

  override async syncCheck(): Promise<SyncCheckResult> {
    const r = this.reconciler;
    if (!r) return super.syncCheck();
    const started = r.starting();
    const res = await super.syncCheck();
    r.syncChecked(started, res);
    return res;
  }

  override async sync(): Promise<SyncResponse> {
    const r = this.reconciler;
    if (!r) return super.sync();
    const started = r.starting();
    const res = await super.sync();
    r.synced(started, res);
    return res;
  }
}
