/** The record of everything the bot did, in order, for tests to assert on. */

export interface BotAction {
  seq: number;
  /** Epoch milliseconds. */
  at: number;
  /** e.g. 'webwxsendmsg', 'webwxupdatechatroom', 'webwxverifyuser'. */
  endpoint: string;
  /** Stable id of the target (wxid / ...@chatroom) when there is one. */
  to?: string;
  /** The session UserName the bot used. */
  toUserName?: string;
  /** Text content as the bot sent it (for sendmsg), or the relevant string (topic, remark, verify text). */
  content?: string;
  msgType?: number;
  /** Server id assigned to a sent message. */
  msgId?: string;
  mediaId?: string;
  /** updatechatroom `fun`, oplog CmdId, verifyuser Opcode. */
  op?: string;
  /** Stable ids of members added/removed, or users verified. */
  members?: string[];
  /** BaseResponse.Ret the bot received (0 = success). */
  ret: number;
  /** The parsed request body (JSON endpoints) for anything not lifted above. */
  body?: unknown;
}

export type ActionPredicate = (a: BotAction) => boolean;

export class ActionLog {
  private readonly items: BotAction[] = [];
  private waiters = new Set<{ pred: ActionPredicate; resolve: (a: BotAction) => void; cancel: () => void }>();
  private seq = 0;

  record(a: Omit<BotAction, 'seq' | 'at'>): BotAction {
    const full: BotAction = { ...a, seq: ++this.seq, at: Date.now() };
    this.items.push(full);
    for (const w of [...this.waiters])
      if (w.pred(full)) {
        this.waiters.delete(w);
        w.resolve(full);
      }
    return full;
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
  }
}
