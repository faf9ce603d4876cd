/** The record of everything the bot did, in order, for tests to assert on. */

import { performance } from 'node:perf_hooks';

export interface BotAction {
  seq: number;
  /** Epoch milliseconds. */
  at: number;
  /**
   * `performance.now()` when the request reached the simulator (its headers, before the body was read):
   * one monotonic clock with whatever the caller stamps in this process, e.g. an injection.
   */
  hrAt: number;
  /** e.g. 'webwxsendmsg', 'webwxupdatechatroom', 'webwxverifyuser'. */
  endpoint: string;
  /** Stable id of the target (wxid / ...@chatroom) when there is one. */
  to?: string;
  /** The session UserName the bot used. */
  toUserName?: string;
  /** Text content as the bot sent it (for sendmsg), or the relevant string (topic, remark, verify text, file name). */
  content?: string;
  msgType?: number;
  /** Server id assigned to a sent message. */
  msgId?: string;
  mediaId?: string;
  /** updatechatroom `fun`, oplog CmdId, verifyuser Opcode; 'desktop' for the UOS login variant. */
  op?: string;
  /** Stable ids of members added/removed, or users verified. */
  members?: string[];
  /** The QR uuid (jslogin). */
  uuid?: string;
  /** uploadmedia: this request's chunk index and the upload's chunk count (1 for a one-piece upload). */
  chunk?: number;
  chunks?: number;
  /** BaseResponse.Ret the bot received (0 = success; jslogin: 0, or its window.QRLogin.code when refused). */
  ret: number;
  /** Set when an `accept-then-drop` fault destroyed the connection instead of answering: the action took effect. */
  responseDropped?: true;
  /** The parsed request body (JSON endpoints) for anything not lifted above. */
  body?: unknown;
}

export type ActionPredicate = (a: BotAction) => boolean;
export type ActionListener = (a: BotAction) => void;

/** What the request carrying an action knows about itself (a RequestContext satisfies it). */
export interface ActionSource {
  readonly hrAt: number;
  readonly dropResponse: boolean;
}

export type ActionFields = Omit<BotAction, 'seq' | 'at' | 'hrAt' | 'responseDropped'>;

export class ActionLog {
  private readonly items: BotAction[] = [];
  private waiters = new Set<{ pred: ActionPredicate; resolve: (a: BotAction) => void; cancel: () => void }>();
  private listeners = new Set<ActionListener>();
  private seq = 0;

  /**
   * `onListenerError`: optional sink for listener errors (they never reach the request being answered).
   * `limit`: the newest actions kept (the oldest go first, a tenth at a time, so up to a tenth more are held
   * between trims); listeners and waiters see every action either way.
   */
  constructor(
    private readonly onListenerError?: (err: unknown) => void,
    private readonly limit = Infinity,
  ) {}

  record(a: ActionFields, source?: ActionSource): BotAction {
    const full: BotAction = {
      ...a,
      seq: ++this.seq,
      at: Date.now(),
      hrAt: source?.hrAt ?? performance.now(),
      ...(source?.dropResponse ? { responseDropped: true as const } : {}),
    };
    this.items.push(full);
    if (this.items.length > this.limit + Math.ceil(this.limit / 10))
      this.items.splice(0, this.items.length - this.limit);
    for (const l of [...this.listeners])
      try {
        l(full);
      } catch (err) {
        this.onListenerError?.(err);
      }
    for (const w of [...this.waiters])
      if (w.pred(full)) {
        this.waiters.delete(w);
        w.resolve(full);
      }
    return full;
  }

  /** Calls `listener` synchronously for every action from now on, before the bot gets its answer. */
  subscribe(listener: ActionListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  all(): BotAction[] {
    return [...this.items];
  }

  since(seq: number): BotAction[] {
    return this.items.filter((a) => a.seq > seq);
  }

  clear(): void {
    this.items.length = 0;
  }

  /** Resolves with the first matching action already recorded, or the next one to arrive. */
  wait(pred: ActionPredicate, timeoutMs: number, sinceSeq = 0): Promise<BotAction> {
    const existing = this.items.find((a) => a.seq > sinceSeq && pred(a));
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const entry = {
        pred,
        resolve: (a: BotAction) => {
          clearTimeout(timer);
          resolve(a);
        },
        cancel: () => {
          clearTimeout(timer);
          reject(new Error('waitForAction: simulator closed'));
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(entry);
        reject(new Error(`waitForAction: no matching action within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(entry);
    });
  }

  cancelAll(): void {
    for (const w of this.waiters) w.cancel();
    this.waiters.clear();
    this.listeners.clear();
  }
}
