import { useEffect, useState } from 'preact/hooks';

import type { Action } from '../api.js';
import { errorText, time, type PageProps } from './common.js';

/** The action log, newest first, live: who (which plugin, the API, a webhook) had the bot do what. */
export function ActionsPage({ api, account, events }: PageProps) {
  const [actions, setActions] = useState<ReadonlyMap<number, Action>>(new Map());
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    api.actions(account).then(
      (page) => {
        if (!stopped) setActions((old) => new Map([...page.items.map((a) => [a.seq, a] as const), ...old]));
      },
      (err: unknown) => {
        if (!stopped) setError(errorText(err));
      },
    );
    const off = events.on((e) => {
      if (e.account !== account || e.type !== 'action') return;
      const action = e.data as unknown as Action;
      setActions((old) => new Map(old).set(action.seq, action));
    });
    return () => {
      stopped = true;
      off();
    };
  }, [api, account, events]);
  const rows = [...actions.values()].sort((a, b) => b.seq - a.seq);
  return (
    <section class="page actions">
      <h2>Action log</h2>
      {error === '' ? null : <p class="error">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>Time</th>
            <th>By</th>
            <th>Action</th>
            <th>Chat</th>
            <th>Content</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr data-seq={a.seq} class={`status-${a.status}`}>
              <td>{a.seq}</td>
              <td>{time(a.at)}</td>
              <td>{a.plugin ?? 'bot'}</td>
              <td>{a.action}</td>
              <td>{a.chat.name || a.chat.id}</td>
              <td>{a.content?.text ?? a.content?.name ?? a.content?.type ?? ''}</td>
              <td title={a.error}>
                {a.status}
                {a.error === undefined ? '' : `: ${a.error}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
