import { EventEmitter } from 'node:events';

import type { SentMessage } from '../../src/message/sent.js';
import type { Contact } from '../../src/contact/types.js';
import type { Message, NormalizedEvent } from '../../src/message/types.js';
import type {
  InboundHandler,
  InboundOptions,
  Transport,
  TransportCapabilities,
  TransportContacts,
  TransportEvents,
  TransportState,
} from '../../src/transport/types.js';
import { SELF, directory } from '../plugin/helpers.js';

/** What an official-bot-like transport offers: direct chats, text, image and file; nothing else. */
export const DIRECT_ONLY: TransportCapabilities = {
  directChats: true,
  rooms: false,
  friendRequests: false,
  addFriends: false,
  roomAdmin: false,
  media: { image: true, voice: false, video: false, file: true, emoticon: false },
  recall: false,
  replyWindowMs: 86_400_000,
  download: false,
  forward: false,
  markRead: false,
  pin: false,
  remark: false,
  contacts: false,
};

export interface MemoryTransport extends Transport {
  /** Every action call, in order. */
  readonly calls: { method: string; args: unknown[] }[];
  /** How many times `start()` was called. */
  readonly starts: number;
  /** What the runtime's `durableOwnMessages` answers now (undefined: it gave none). */
  durableOwn(): boolean | undefined;
  /** Hands a message to the runtime as the transport's poll loop would; resolves when it was handled. */
  deliver(message: Message, events?: readonly NormalizedEvent[], sentByBot?: boolean): Promise<void>;
}

/**
 * A transport that is not Web WeChat: it lives in memory, has only `sendText` and `sendImage` /
 * `sendFile`, and the capabilities given. What the seam promises a second transport.
 */
export function memoryTransport(
  capabilities: TransportCapabilities = DIRECT_ONLY,
  contacts: TransportContacts = directory(),
): MemoryTransport {
  const emitter = new EventEmitter();
  const calls: { method: string; args: unknown[] }[] = [];
  let handler: InboundHandler | undefined;
  let inbound: InboundOptions | undefined;
  let state: TransportState = 'idle';
  let starts = 0;
  let self: Contact | undefined;
  let n = 0;
  const sent = (to: string): SentMessage => ({
    msgId: `s${++n}`,
    localId: `l${n}`,
    toUserName: to,
    type: 1,
    endpoint: 'memory',
  });
  const setState = (to: TransportState): void => {
    const from = state;
    state = to;
    emitter.emit('state', { from, to });
  };
  const transport: MemoryTransport = {
    name: 'memory',
    account: 'mem',
    capabilities,
    contacts,
    calls,
    get self() {
      return self;
    },
    get state() {
      return state;
    },
    get starts() {
      return starts;
    },
    start() {
      starts++;
      setState('syncing');
      self = SELF;
      emitter.emit('login', { self: SELF, via: 'qr' });
      return Promise.resolve(SELF);
    },
    stop() {
      setState('stopped');
      return Promise.resolve();
    },
    logout() {
      emitter.emit('logout', { reason: 'user-logout' });
      setState('logged-out');
      return Promise.resolve();
    },
    setHandler(h, options) {
      handler = h;
      inbound = options;
    },
    durableOwn: () => inbound?.durableOwnMessages?.(),
    on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]) {
      emitter.on(event, listener);
      return this;
    },
    off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]) {
      emitter.off(event, listener);
      return this;
    },
    sendText(to, text, opts) {
      calls.push({ method: 'sendText', args: [to, text, opts] });
      return Promise.resolve(sent(to));
    },
    sendImage(to, file, name) {
      calls.push({ method: 'sendImage', args: [to, file, name] });
      return Promise.resolve(sent(to));
    },
    sendFile(to, file, name) {
      calls.push({ method: 'sendFile', args: [to, file, name] });
      return Promise.resolve(sent(to));
    },
    async deliver(message, events = [], sentByBot = false) {
      if (handler === undefined) throw new Error('memory transport: no handler set (is the bot started?)');
      await handler({ message, events, sentByBot, receivedAt: Date.now() });
    },
  };
  return transport;
}
