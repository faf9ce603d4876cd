import { useEffect, useState } from 'preact/hooks';

import type { Account } from '../api.js';
import { errorText, type PageProps } from './common.js';

/** Healthy: syncing messages. Anything on the way there or back is "busy"; stopped or out is "down". */
export function health(state: string): 'ok' | 'busy' | 'down' {
  if (state === 'syncing') return 'ok';
  if (['logging-in', 'initializing', 'recovering'].includes(state)) return 'busy';
  return 'down';
}

export function AccountsPage({ api, events }: PageProps) {
  const [accounts, setAccounts] = useState<readonly Account[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.accounts().then(
        (list) => {
          if (!stopped) {
            setAccounts(list);
            setError('');
          }
        },
        (err: unknown) => {
          if (!stopped) setError(errorText(err));
        },
      );
    void load();
    const timer = setInterval(() => void load(), 3000);
    const off = events.on((e) => {
      if (['state', 'login', 'logout', 'recovered', 'qr', 'scanned'].includes(e.type)) void load();
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      off();
    };
  }, [api, events]);
  return (
    <section class="page accounts">
      <h2>Accounts</h2>
      {error === '' ? null : <p class="error">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>Account</th>
            <th>Health</th>
            <th>State</th>
            <th>Logged in as</th>
            <th>QR</th>
            <th>Plugins running</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr data-account={a.id}>
              <td>{a.id}</td>
              <td>
                <span class={`badge ${health(a.state)}`}>{health(a.state)}</span>
              </td>
              <td>{a.state}</td>
              <td>{a.self?.name ?? '—'}</td>
              <td>{a.qr}</td>
              <td>{a.plugins}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
