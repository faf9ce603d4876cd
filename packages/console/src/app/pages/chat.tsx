import { useEffect, useRef, useState } from 'preact/hooks';

import type { Contact, Message } from '../api.js';
import { errorText, time, type PageProps } from './common.js';
import { useChats } from './use-chats.js';

function upsert(list: readonly Message[], message: Message): readonly Message[] {
  return list.some((m) => m.id === message.id) ? list : [...list, message];
}

/** Reads and answers chats as the account: the list, the selected chat's messages live, a reply box. */
export function ChatPage({ api, account, events }: PageProps) {
  const { chats, error: listError } = useChats(api, account, events);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | undefined>();
  const [messages, setMessages] = useState<readonly Message[]>([]);
  const [unread, setUnread] = useState<ReadonlyMap<string, number>>(new Map());
  const [seen, setSeen] = useState<ReadonlyMap<string, string>>(new Map());
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const selectedRef = useRef<string | undefined>(undefined);
  selectedRef.current = selected;

  useEffect(
    () =>
      events.on((e) => {
        if (e.account !== account || e.type !== 'message') return;
        const message = e.data as unknown as Message;
        const chat = message.chat.id;
        setSeen((old) => (old.has(chat) ? old : new Map(old).set(chat, message.chat.name)));
        if (chat === selectedRef.current) setMessages((old) => upsert(old, message));
        else setUnread((old) => new Map(old).set(chat, (old.get(chat) ?? 0) + 1));
      }),
    [account, events],
  );

  useEffect(() => {
    if (selected === undefined) return;
    let stopped = false;
    setMessages([]);
    api.messages(account, selected).then(
      (list) => {
        // Events that came while the history loaded are kept: merged, not overwritten.
        if (!stopped)
          setMessages((live) =>
            list.reduce(
              upsert,
              live.filter((m) => !list.some((l) => l.id === m.id)),
            ),
          );
      },
      (err: unknown) => {
        if (!stopped) setError(errorText(err));
      },
    );
    return () => {
      stopped = true;
    };
  }, [api, account, selected]);

  // Chats only seen in events (a stranger's room) are listed too.
  const known = new Set(chats.map((c) => c.id));
  const all: Array<Pick<Contact, 'id' | 'name' | 'kind'>> = [
    ...chats,
    ...[...seen].filter(([id]) => !known.has(id)).map(([id, name]) => ({ id, name, kind: 'stranger' as const })),
  ];
  const needle = filter.toLowerCase();
  const shown = all.filter((c) => needle === '' || c.name.toLowerCase().includes(needle));
  const current = all.find((c) => c.id === selected);

  const send = async () => {
    if (selected === undefined || draft.trim() === '') return;
    const text = draft;
    setError('');
    try {
      const sent = await api.send(account, selected, text);
      setDraft('');
      setMessages((old) =>
        upsert(old, {
          id: sent.msgId,
          kind: 'text',
          chat: { id: sent.chat.id, name: sent.chat.name, isRoom: current?.kind === 'room' },
          sender: { id: 'self', name: 'me', isSelf: true },
          text,
          createdAt: new Date().toISOString(),
          sentByBot: true,
        }),
      );
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section class="page chat">
      <aside class="chat-list">
        <input
          class="chat-filter"
          type="search"
          placeholder="Find a chat"
          value={filter}
          onInput={(e) => {
            setFilter(e.currentTarget.value);
          }}
        />
        {listError === '' ? null : <p class="error">{listError}</p>}
        <ul>
          {shown.map((c) => (
            <li>
              <button
                type="button"
                class={c.id === selected ? 'chat-item selected' : 'chat-item'}
                data-chat={c.id}
                onClick={() => {
                  setSelected(c.id);
                  setUnread((old) => {
                    const next = new Map(old);
                    next.delete(c.id);
                    return next;
                  });
                }}
              >
                {c.kind === 'room' ? '# ' : ''}
                {c.name}
                {(unread.get(c.id) ?? 0) > 0 ? <span class="unread">{unread.get(c.id)}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <div class="chat-view">
        {current === undefined ? (
          <p class="hint">Pick a chat on the left.</p>
        ) : (
          <>
            <h2>{current.name}</h2>
            <ol class="messages">
              {messages.map((m) => (
                <li class={m.sender.isSelf ? 'message mine' : 'message'} data-id={m.id}>
                  <span class="meta">
                    {m.sender.isSelf ? 'me' : m.sender.name} · {time(m.createdAt)}
                  </span>
                  <span class="text">{m.kind === 'text' ? m.text : `[${m.kind}] ${m.text}`}</span>
                </li>
              ))}
            </ol>
            <form
              class="reply"
              onSubmit={(e) => {
                e.preventDefault();
                void send();
              }}
            >
              <input
                class="reply-text"
                type="text"
                placeholder={`Message ${current.name}`}
                value={draft}
                onInput={(e) => {
                  setDraft(e.currentTarget.value);
                }}
              />
              <button type="submit">Send</button>
            </form>
          </>
        )}
        {error === '' ? null : <p class="error">{error}</p>}
      </div>
    </section>
  );
}
