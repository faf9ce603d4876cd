import type { SentMessage } from '../message/sent.js';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { MemoryContactStore } from '../contact/store.js';
import { MsgType } from '../wire/msg-type.js';
import { newClientMsgId } from '../util/ids.js';
import type { OutboundMsg, SendKind } from '../wire/endpoints.js';
import type { CredentialSlot } from './cred-slot.js';
import type { EchoTracker } from './echo.js';
import { ClientStopped, InvalidArgument, NetworkError, SendOutcomeUnknown } from './errors.js';
import type { ClientEmitter } from './events.js';
import { fileAppMsg, type Uploader, type UploadKind } from './media.js';
import type { Outbox, SendJournalEntry } from './outbox.js';
import { SendReconciler, type ObservedApi, type EchoVerdict, type SendProbe } from './send-reconcile.js';
import { sendFingerprint, type RecoveredSends } from './send-causes.js';
import type { MediaSpool } from './spool.js';
import type { ActionClass, SendCallOptions } from './types.js';

/** The fields of a message to send that the caller decides (the rest comes from the journal entry). */
export type SendFields = Omit<OutboundMsg, 'FromUserName' | 'ToUserName' | 'LocalID' | 'ClientMsgId'>;

export interface SendPathDeps {
  readonly log: Logger;
  readonly contacts: MemoryContactStore;
  readonly cred: CredentialSlot;
  readonly api: Pick<ObservedApi, 'send'>;
  readonly uploader: Pick<Uploader, 'upload'>;
  readonly outbox: Outbox;
  readonly reconciler: Pick<SendReconciler, 'track'>;
  readonly echo: EchoTracker;
  readonly spool: MediaSpool;
  readonly events: ClientEmitter;
  /** Asks for a checkpoint, so a journaled send reaches the disk soon. */
  readonly checkpoint: () => void;
  /** True once the client is stopping: a send whose answer was lost is then left journaled. */
  readonly stopping: () => boolean;
  readonly reconcileMs: number;
}

/**
 * The journaled send: journal → (upload) → send → settle, with a lost answer
 * reconciled against the sync echoes, and replay of journaled sends after a
 * restart. The outbox queues and retries; this decides what one try does.
 */
export class SendPath {
  /** Sends an earlier process made for inbound messages; their handlers' second run joins them. */
  private recovered: RecoveredSends | undefined;
  /** Journaled sends replayed at start, by ClientMsgId: what a joining send settles with. */
  private readonly replays = new Map<string, Promise<SentMessage>>();

  constructor(private readonly d: SendPathDeps) {}

  /** At start, before replays and pending messages: the sends the outbox journal says each message caused. */
  recover(sends: RecoveredSends): void {
    this.recovered = sends;
  }

  /** Journals a send and runs it through the outbox. */
  async send(
    kind: SendKind,
    cls: ActionClass,
    to: string,
    fields: SendFields,
    media?: { clientMsgId: string; upload: NonNullable<SendJournalEntry['upload']> },
    call?: SendCallOptions,
  ): Promise<SentMessage> {
    const cause = call?.cause;
    const stable = this.d.contacts.contact(to)?.stableId;
    const entry: SendJournalEntry = {
      clientMsgId: media?.clientMsgId ?? newClientMsgId(),
      ...(media ? { upload: media.upload } : {}),
      kind,
      msgType: fields.Type,
      to,
      ...(stable !== undefined ? { toStableId: stable } : {}),
      ...(fields.Content !== undefined ? { content: fields.Content } : {}),
      ...(fields.MediaId !== undefined ? { mediaId: fields.MediaId } : {}),
      ...(fields.EMoticonMd5 !== undefined ? { emoticonMd5: fields.EMoticonMd5 } : {}),
      session: this.d.cred.tag(),
      createdAt: Date.now(),
      ...(cause !== undefined ? { cause } : {}),
      ...(call?.lane === 'bulk' ? { lane: 'bulk' as const } : {}),
    };
    // The fingerprint (a SHA-256) only when an earlier process left sends for this cause: rarely, after a crash.
    const earlier =
      cause !== undefined && this.recovered?.has(cause) === true
        ? this.recovered.claim(cause, sendFingerprint(entry))
        : undefined;
    const joined = earlier !== undefined ? this.joinEarlier(earlier, entry) : undefined;
    if (joined) {
      this.d.spool.drop(entry);
      return joined;
    }
    // Not awaited here: the attempt awaits it right after journaling its attempt mark, so that when the
    // send goes straight out both records share one append. The request never leaves before both landed.
    const journaled = this.d.outbox.journal(entry);
    journaled.catch(() => undefined); // surfaced by the attempt (or the entry stays journaled for the next start)
    this.d.checkpoint();
    return this.run(entry, cls, journaled);
  }

  /**
   * Journals a media send before its upload: the data goes to a spool file
   * first, so a crash during the upload (or before the send) uploads and
   * sends it again on the next start instead of losing it.
   */
  async sendMedia(
    kind: SendKind,
    to: string,
    data: Buffer,
    name: string,
    uploadKind: UploadKind,
    msgType: number,
    call?: SendCallOptions,
  ): Promise<SentMessage> {
    const clientMsgId = newClientMsgId();
    const file = await this.d.spool.write(clientMsgId, data);
    const upload = { file, name, kind: uploadKind, size: data.length };
    return this.send(
      kind,
      'media',
      to,
      { Type: msgType, ...(kind === 'file' || kind === 'emoticon' ? {} : { Content: '' }) },
      { clientMsgId, upload },
      call,
    );
  }

  /**
   * A handler run again after a crash asks for a send its first run journaled
   * (same cause, recipient and content): it gets that send's outcome, never a
   * second copy. Undefined when that send provably did not arrive (or is
   * forgotten): then it is made anew.
   */
  private joinEarlier(clientMsgId: string, entry: SendJournalEntry): Promise<SentMessage> | undefined {
    const msgId = this.d.outbox.msgIdOf(clientMsgId);
    if (msgId !== undefined) return Promise.resolve(sentMessage({ ...entry, clientMsgId }, msgId));
    const replay = this.replays.get(clientMsgId);
    if (replay) {
      this.replays.delete(clientMsgId); // claimed once: a second identical send of this run is a new one
      return replay;
    }
    if (!this.d.outbox.outcomeUnknown(clientMsgId)) return undefined;
    return Promise.reject(
      new SendOutcomeUnknown(endpointOf(entry), clientMsgId, 'made before a restart and whether it arrived is unknown'),
    );
  }

  /** Re-sends a journaled entry after a restart (same ClientMsgId), re-addressing it if the session changed. */
  replay(entry: SendJournalEntry): void {
    let settle!: { resolve: (m: SentMessage) => void; reject: (err: unknown) => void };
    const outcome = new Promise<SentMessage>((resolve, reject) => (settle = { resolve, reject }));
    outcome.catch(() => undefined); // reported below; a joining handler gets it too
    this.replays.set(entry.clientMsgId, outcome);
    this.replayJournaled(entry, settle);
  }

  private replayJournaled(
    entry: SendJournalEntry,
    settle: { resolve: (m: SentMessage) => void; reject: (err: unknown) => void },
  ): void {
    const { outbox, spool, events } = this.d;
    const e = this.readdress(entry);
    if (!e) {
      outbox.settle(entry.clientMsgId, undefined);
      spool.drop(entry);
      const err = new InvalidArgument(
        'replay',
        `cannot re-address journaled send ${entry.clientMsgId}: recipient unknown in the new session`,
      );
      settle.reject(err);
      events.error(err, 'outbox replay');
      return;
    }
    const cls: ActionClass = e.kind === 'text' ? 'text' : 'media';
    const replay = (): void => {
      this.d.log.info({ clientMsgId: e.clientMsgId, kind: e.kind }, 'replaying a journaled send');
      this.run(e, cls).then(settle.resolve, (err: unknown) => {
        settle.reject(err);
        events.error(err, `replayed send ${e.clientMsgId} failed`);
      });
    };
    if (e.attemptedAt === undefined) {
      replay();
      return;
    }
    // Its request may have reached the server before the crash: ask the echoes first.
    const endpoint = endpointOf(e);
    const sameSession = entry.session === this.d.cred.tag();
    const verdict: Promise<EchoVerdict> = sameSession
      ? this.d.reconciler
          .track({
            clientMsgId: e.clientMsgId,
            to: e.to,
            msgType: e.msgType,
            content: e.msgType === MsgType.Text ? e.content : undefined,
            sentAt: e.attemptedAt,
          })
          .lost()
      : Promise.resolve('unknown'); // a new session never echoes what the old one sent
    void verdict
      .then((v) => {
        const lost = this.settleLost(v, e, endpoint, undefined);
        if (lost === 'retry') replay();
        else settle.resolve(lost.done);
      })
      .catch((err: unknown) => {
        settle.reject(err);
        if (err instanceof ClientStopped) return;
        outbox.settle(e.clientMsgId, undefined, err instanceof SendOutcomeUnknown);
        spool.drop(e);
        events.error(err, `journaled send ${e.clientMsgId} not replayed`);
      });
  }

  private run(entry: SendJournalEntry, cls: ActionClass, journaled?: Promise<void>): Promise<SentMessage> {
    const endpoint = endpointOf(entry);
    let lost: { probe: SendProbe; entry: SendJournalEntry } | undefined;
    return this.d.outbox
      .enqueue(
        cls,
        endpoint,
        () => {
          // A probe from an earlier try (refused, so discarded) must not stand for this one.
          lost = undefined;
          return this.attempt(
            entry,
            (probe, e) => {
              lost = { probe, entry: e };
            },
            journaled,
          );
        },
        {
          orderKey: entry.to,
          journaled: true,
          lane: entry.lane,
          createdAt: entry.createdAt,
          clientMsgId: entry.clientMsgId,
          reconcile: async (err) => {
            const l = lost;
            lost = undefined;
            // No probe: the failed request was an upload, the send itself never went out.
            if (!l) return 'retry';
            return this.settleLost(await l.probe.lost(), l.entry, endpoint, err);
          },
        },
      )
      .catch((err: unknown) => {
        // Definitive failures leave the journal; a stop keeps the entry for the next start.
        if (!(err instanceof ClientStopped)) {
          this.d.outbox.settle(entry.clientMsgId, undefined, err instanceof SendOutcomeUnknown);
          this.d.spool.drop(entry);
        }
        throw err;
      });
  }

  /** What a send whose answer was lost comes to, once the sync echoes said so (or could not). */
  private settleLost(
    v: EchoVerdict,
    e: SendJournalEntry,
    endpoint: string,
    cause: unknown,
  ): { done: SentMessage } | 'retry' {
    if (this.d.stopping()) throw new ClientStopped(endpoint);
    const log = this.d.log;
    const fields = { clientMsgId: e.clientMsgId, endpoint };
    if (v === 'absent') {
      log.info(fields, 'lost send answer: no echo came back, so it did not arrive; sending again');
      return 'retry';
    }
    if (v === 'unknown') {
      log.warn(fields, 'lost send answer: whether it arrived is unknown; not sent again (at most once)');
      throw new SendOutcomeUnknown(
        endpoint,
        e.clientMsgId,
        `no echo, and no proof it did not arrive, within sends.reconcileMs (${this.d.reconcileMs} ms)`,
        { cause },
      );
    }
    log.info({ ...fields, msgId: v.arrived }, 'lost send answer: its echo came back, so it arrived');
    this.d.outbox.settle(e.clientMsgId, v.arrived);
    this.d.spool.drop(e);
    return { done: sentMessage(e, v.arrived) };
  }

  /** One try of a journaled send: upload if needed, send, settle; `tracked` gets the probe for a lost answer. */
  private async attempt(
    queued: SendJournalEntry,
    tracked: (probe: SendProbe, entry: SendJournalEntry) => void,
    journaled?: Promise<void>,
  ): Promise<SentMessage> {
    const { outbox } = this.d;
    // A re-login between enqueue and now changed every UserName: re-address through the stable id.
    let entry = this.readdress(queued) ?? queued;
    const self = this.d.contacts.self.userName;
    if (entry.upload && entry.mediaId === undefined) entry = await this.upload(entry, self);
    const msg: OutboundMsg = {
      Type: entry.msgType,
      FromUserName: self,
      ToUserName: entry.to,
      LocalID: entry.clientMsgId,
      ClientMsgId: entry.clientMsgId,
      ...(entry.content !== undefined ? { Content: entry.content } : {}),
      ...(entry.mediaId !== undefined ? { MediaId: entry.mediaId } : {}),
      ...(entry.msgType === MsgType.Emoticon ? { EmojiFlag: 2 } : {}),
      ...(entry.emoticonMd5 !== undefined ? { EMoticonMd5: entry.emoticonMd5 } : {}),
    };
    // From here the server may act on it: a crash or a lost answer is reconciled, not re-sent blindly.
    // The mark joins the journal entry's append when that has not gone yet; both must land first.
    const attempted = outbox.markAttempted(entry.clientMsgId);
    if (journaled !== undefined) {
      try {
        await journaled;
      } catch (err) {
        attempted.catch(() => undefined);
        throw err;
      }
    }
    await attempted;
    const probe = this.d.reconciler.track({
      clientMsgId: entry.clientMsgId,
      to: entry.to,
      msgType: entry.msgType,
      content: entry.msgType === MsgType.Text ? entry.content : undefined,
      sentAt: outbox.attemptedAt(entry.clientMsgId) ?? Date.now(),
    });
    tracked(probe, entry);
    const released = this.d.echo.sending(entry.to, entry.msgType, entry.content);
    try {
      const res = await this.d.api.send(entry.kind, msg);
      const msgId = res.MsgID === undefined ? '' : `${res.MsgID as unknown as string | number}`;
      this.d.echo.answered(msgId);
      probe.answered(msgId);
      outbox.settle(entry.clientMsgId, msgId);
      this.d.spool.drop(entry);
      return sentMessage(entry, msgId);
    } catch (err) {
      // Only a lost answer leaves the outcome open; any answer (1204, 1205...) says it was not taken.
      if (!(err instanceof NetworkError)) probe.discard();
      throw err;
    } finally {
      released();
    }
  }

  /** Uploads a journaled media send's spooled data; the MediaId stays in memory (a crash re-uploads). */
  private async upload(entry: SendJournalEntry, self: string): Promise<SendJournalEntry> {
    const up = entry.upload!;
    let data: Buffer;
    try {
      data = await readFile(up.file);
    } catch (err) {
      throw new InvalidArgument(
        `send:${entry.kind}`,
        `the spooled data of journaled send ${entry.clientMsgId} is gone (${(err as Error).message})`,
      );
    }
    const mediaId = await this.d.uploader.upload(data, up.name, up.kind, self, entry.to);
    const content = entry.kind === 'file' ? fileAppMsg(up.name, up.size, mediaId) : entry.content;
    return { ...entry, mediaId, ...(content !== undefined ? { content } : {}) };
  }

  private readdress(entry: SendJournalEntry): SendJournalEntry | undefined {
    const tag = this.d.cred.tag();
    if (entry.session === tag || this.d.contacts.contact(entry.to)) return entry;
    const c = entry.toStableId !== undefined ? this.d.contacts.byStableId(entry.toStableId) : undefined;
    if (!c) return undefined;
    return { ...entry, to: c.userName, session: tag };
  }
}

/**
 * The reconciler that settles sends whose answer was lost from the sync echoes: an echo of a
 * tracked send settles its journal entry and is remembered as the bot's.
 */
export function sendReconciler(d: {
  readonly boundMs: number;
  readonly contacts: MemoryContactStore;
  readonly cred: CredentialSlot;
  readonly echo: EchoTracker;
  readonly outbox: Outbox;
}): SendReconciler {
  return new SendReconciler({
    boundMs: d.boundMs,
    selfName: () => d.contacts.selfOrUndefined?.userName,
    session: () => d.cred.tag(),
    isAnswered: (id) => d.echo.ids.has(id),
    onMatch: (clientMsgId, msgId) => {
      d.echo.ids.add(msgId);
      d.outbox.settle(clientMsgId, msgId);
    },
    echoes: () => d.outbox.echoesSeen,
    onEchoesLearned: () => {
      d.outbox.noteEchoes();
    },
  });
}

function endpointOf(e: SendJournalEntry): string {
  return e.kind === 'text' ? 'webwxsendmsg' : `send:${e.kind}`;
}

function sentMessage(e: SendJournalEntry, msgId: string): SentMessage {
  // sentAt: when the server's answer arrived, which is no earlier than its CreateTime: the revoke window runs from it.
  return {
    msgId,
    localId: e.clientMsgId,
    toUserName: e.to,
    type: e.msgType,
    endpoint: `webwx${e.kind}`,
    sentAt: Date.now(),
  };
}
