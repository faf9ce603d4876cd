/**
 * The send journal: sends made while handling a message (`cause`, its id) are recorded before they go
 * out and again when the server took them. When a crash makes the inbox hand the same message over again,
 * the handler's sends (same recipient and content, matched in order) settle with the first run's outcome
 * instead of going out twice — as the Web client's outbox does.
 */
import { createHash } from 'node:crypto';

import type { SentMessage } from '@wxbot/core';

import { IlinkError } from './errors.js';

export interface SendRecord {
  /** Hash of cause, recipient and content. */
  readonly key: string;
  /** Which send of that key within one handling (0 first). */
  readonly n: number;
  readonly clientId: string;
  readonly to: string;
  readonly type: number;
  /** Set once the server accepted it. */
  readonly msgId?: string | undefined;
}

/** The first run started this send and died before knowing whether the server took it. */
export class SendOutcomeUnknown extends IlinkError {
  constructor(to: string) {
    super(
      'outcome-unknown',
      `send to ${to}: an earlier run of this handler made this send and stopped before the server answered; not sending it twice`,
    );
  }
}

export interface JournalIo {
  records(): readonly SendRecord[];
  write(records: readonly SendRecord[]): Promise<void>;
}

export interface PlannedSend {
  readonly key: string;
  readonly n: number;
  /** What the first run did: settled (`msgId`), or started with an unknown outcome. */
  readonly prior: SendRecord | undefined;
}

export class SendJournal {
  /** Per key: sends planned in this process (a re-run counts from 0 again, matching in order). */
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly io: JournalIo,
    private readonly limit = 500,
  ) {}

  plan(cause: string, to: string, content: string): PlannedSend {
    const key = createHash('sha256').update(`${cause}\0${to}\0${content}`).digest('base64url').slice(0, 24);
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    const prior = this.io.records().find((r) => r.key === key && r.n === n);
    return { key, n, prior };
  }

  /** Recorded (durably) before the first attempt. */
  begin(record: SendRecord): Promise<void> {
    const kept = this.io.records().filter((r) => !(r.key === record.key && r.n === record.n));
    return this.io.write([...kept, record].slice(-this.limit));
  }

  /** The server took it. */
  settle(key: string, n: number, msgId: string): Promise<void> {
    return this.io.write(this.io.records().map((r) => (r.key === key && r.n === n ? { ...r, msgId } : r)));
  }

  /** It certainly did not go out (refused): a re-run may send it. */
  forget(key: string, n: number): Promise<void> {
    return this.io.write(this.io.records().filter((r) => !(r.key === key && r.n === n)));
  }
}

export function sentFrom(record: SendRecord & { msgId: string }): SentMessage {
  return {
    msgId: record.msgId,
    localId: record.clientId,
    toUserName: record.to,
    type: record.type,
    endpoint: 'sendmessage',
  };
}
