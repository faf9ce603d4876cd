import { isRoomUserName } from '../contact/classify.js';
import type { MemoryContactStore } from '../contact/store.js';
import { splitSenderPrefix } from '../wire/sender-prefix.js';
import type { RawMessage } from '../wire/types.js';
import { settledWithin } from '../util/settled-within.js';
import { ContactFetcher } from './contact-fetcher.js';
import type { ClientEmitter } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { ObservedApi } from './send-reconcile.js';

/** Coalesced batchgetcontact calls whose answers go into the contact store (and out as `contacts-updated`). */
export function contactFetcher(
  api: Pick<ObservedApi, 'batchGetContact'>,
  contacts: MemoryContactStore,
  events: ClientEmitter,
  o: Pick<ResolvedOptions, 'batchDelayMs' | 'batchGapMs'>,
  signal: AbortSignal,
): ContactFetcher {
  return new ContactFetcher(
    (names) => api.batchGetContact(names.map((UserName) => ({ UserName }))),
    (list) => {
      const updated: string[] = [];
      for (const c of list) {
        contacts.upsert(c);
        updated.push(c.UserName);
      }
      if (updated.length) events.emit('contacts-updated', { updated, removed: [] });
    },
    (err) => {
      events.error(err, 'batchgetcontact');
    },
    { delayMs: o.batchDelayMs, gapMs: o.batchGapMs, batch: 50, signal },
  );
}

export interface LookupGateDeps {
  readonly contacts: MemoryContactStore;
  readonly fetcher: Pick<ContactFetcher, 'request'>;
  readonly loggedIn: () => boolean;
  /** The longest a chat waits for the lookup. */
  readonly holdMs: number;
}

/**
 * The inbox's delivery gate: unknown rooms, room members and private senders
 * are fetched before their messages are delivered; undefined when nothing needs
 * fetching. Asked per chat by the inbox, so only that chat waits, and for at
 * most `holdMs`: a slow batchgetcontact delays a message, it never holds it.
 */
export function lookupGate(d: LookupGateDeps): (msgs: readonly RawMessage[]) => Promise<void> | undefined {
  return (msgs) => {
    if (!d.loggedIn()) return undefined;
    const want = new Set<string>();
    for (const m of msgs) {
      const from = m.FromUserName;
      if (isRoomUserName(from)) {
        const room = d.contacts.room(from);
        const sender = splitSenderPrefix(m.Content)?.sender;
        if (!room || (sender !== undefined && !room.members.has(sender))) want.add(from);
      } else if (!d.contacts.contact(from) && from !== '') {
        want.add(from);
      }
    }
    if (want.size === 0) return undefined;
    return settledWithin((settle) => {
      void d.fetcher.request(want).then(settle);
    }, d.holdMs).then(() => undefined);
  };
}
