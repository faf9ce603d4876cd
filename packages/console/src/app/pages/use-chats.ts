import { useEffect, useState } from 'preact/hooks';

import type { Api, Contact } from '../api.js';
import type { EventHub } from '../events.js';
import { errorText } from './common.js';

/** Friends and rooms of the account (reloaded at login), or why they could not be read. */
export function useChats(api: Api, account: string, events: EventHub): { chats: readonly Contact[]; error: string } {
  const [chats, setChats] = useState<readonly Contact[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const [rooms, contacts] = await Promise.all([api.rooms(account), api.contacts(account)]);
        if (stopped) return;
        setChats([...contacts.filter((c) => c.kind !== 'self'), ...rooms]);
        setError('');
      } catch (err) {
        if (!stopped) setError(errorText(err));
      }
    };
    void load();
    const off = events.on((e) => {
      if (e.account === account && (e.type === 'login' || e.type === 'recovered')) void load();
    });
    return () => {
      stopped = true;
      off();
    };
  }, [api, account, events]);
  return { chats, error };
}
