import { useEffect, useState } from 'preact/hooks';

import { ApiError, type Api, type Contact } from '../api.js';
import type { EventHub } from '../events.js';
import { errorText } from './common.js';

/** An account whose transport has no rooms (iLink) answers 501 capability_missing: it has none to list. */
function noRooms(error: unknown): Contact[] {
  if (error instanceof ApiError && error.code === 'capability_missing') return [];
  throw error;
}

/**
 * Friends and rooms of the account (reloaded at login), or why they could not be read. Without a contact list
 * (iLink) the server lists who wrote; a message from someone not listed yet reloads the list.
 */
export function useChats(api: Api, account: string, events: EventHub): { chats: readonly Contact[]; error: string } {
  const [chats, setChats] = useState<readonly Contact[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    let known = new Set<string>();
    const load = async () => {
      try {
        const [rooms, contacts] = await Promise.all([api.rooms(account).catch(noRooms), api.contacts(account)]);
        if (stopped) return;
        const list = [...contacts.filter((c) => c.kind !== 'self'), ...rooms];
        known = new Set(list.map((c) => c.id));
        setChats(list);
        setError('');
      } catch (err) {
        if (!stopped) setError(errorText(err));
      }
    };
    void load();
    const off = events.on((e) => {
      if (e.account !== account) return;
      const newChat = e.type === 'message' && e.chat !== undefined && !known.has(e.chat);
      // Asked once per unseen chat: one the server does not list either must not reload on every message.
      if (newChat) known.add(e.chat);
      if (e.type === 'login' || e.type === 'recovered' || newChat) void load();
    });
    return () => {
      stopped = true;
      off();
    };
  }, [api, account, events]);
  return { chats, error };
}
