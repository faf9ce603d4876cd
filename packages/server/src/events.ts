/** The kinds of events the stream and webhooks carry. */
export type EventType =
  'message' | 'processed' | 'login' | 'logout' | 'recovered' | 'qr' | 'scanned' | 'state' | 'action' | 'plugin-failure';

export const EVENT_TYPES: readonly EventType[] = [
  'message',
  'processed',
  'login',
  'logout',
  'recovered',
  'qr',
  'scanned',
  'state',
  'action',
  'plugin-failure',
];

/** One event: `id` is unique per process run (`<boot>-<seq>`) and stable for a message (its MsgId). */
export interface ServerEvent {
  readonly seq: number;
  readonly type: EventType;
  readonly account: string;
  /** ISO time. */
  readonly at: string;
  /** Chat stable id, for filters; undefined for account-wide events. */
  readonly chat: string | undefined;
  readonly chatName: string | undefined;
  readonly data: Record<string, unknown>;
}

type Listener = (event: ServerEvent) => void;

/**
 * Fans events out to the stream's subscribers and keeps the last `keep` for `Last-Event-ID`
 * resumption. Listeners that throw are dropped from this one call, never from the bus.
 */
export class EventBus {
  readonly #ring: ServerEvent[] = [];
  readonly #listeners = new Set<Listener>();
  #seq = 0;

  constructor(private readonly keep = 500) {}

  publish(event: Omit<ServerEvent, 'seq' | 'at'>): ServerEvent {
    const full: ServerEvent = { ...event, seq: ++this.#seq, at: new Date().toISOString() };
    this.#ring.push(full);
    if (this.#ring.length > this.keep) this.#ring.shift();
    for (const l of this.#listeners) {
      try {
        l(full);
      } catch {
        // A broken subscriber (a closed stream) must not stop the others.
      }
    }
    return full;
  }

  /** Events after `seq` still kept. */
  since(seq: number): ServerEvent[] {
    return this.#ring.filter((e) => e.seq > seq);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }
}
