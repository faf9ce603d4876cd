import type { Logger } from 'pino';

import type { MemoryContactStore } from '../contact/store.js';
import type { RawMessage } from '../wire/types.js';
import type { SessionStore } from '../session/types.js';
import { Inbox } from './inbox.js';

export interface ClientInboxDeps {
  readonly store: SessionStore;
  readonly key: string;
  readonly dedupeSize: number;
  readonly log: Logger;
  readonly contacts: MemoryContactStore;
  /** Holds delivery until unknown senders are looked up (contact-lookup.ts); undefined: deliver now. */
  readonly gate: (msgs: readonly RawMessage[]) => Promise<void> | undefined;
  readonly onError: (err: unknown, context: string) => void;
}

/**
 * The Web client's inbox: the durable journal with the client's two delivery policies — the lookup gate
 * before delivery, and a chat being the peer or room (whichever side is not the bot), which keys per-chat order.
 */
export function clientInbox(d: ClientInboxDeps): Inbox {
  const { contacts } = d;
  return new Inbox(
    d.store,
    d.key,
    d.dedupeSize,
    d.log,
    (err, m) => {
      d.onError(err, `message handler failed for MsgId ${m.raw.MsgId}`);
    },
    {
      beforeDeliver: (msgs) => d.gate(msgs.map((m) => m.raw)),
      chatOf: (m) =>
        m.raw.FromUserName === contacts.selfOrUndefined?.userName ? m.raw.ToUserName : m.raw.FromUserName,
    },
  );
}
