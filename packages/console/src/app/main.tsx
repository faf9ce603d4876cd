import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';

import { createApi, type Account, type Api } from './api.js';
import { EventHub } from './events.js';
import { AccountsPage } from './pages/accounts.js';
import { ActionsPage } from './pages/actions.js';
import { ChatPage } from './pages/chat.js';
import { errorText, type PageProps } from './pages/common.js';
import { LoginPage } from './pages/login.js';
import { LogsPage } from './pages/logs.js';
import { PhonePage } from './pages/phone.js';
import { PluginsPage } from './pages/plugins.js';
import { forgetToken, takeToken } from './token.js';

const PAGES = {
  login: { title: 'Log in', view: LoginPage },
  accounts: { title: 'Accounts', view: AccountsPage },
  chats: { title: 'Chats', view: ChatPage },
  plugins: { title: 'Plugins', view: PluginsPage },
  actions: { title: 'Action log', view: ActionsPage },
  logs: { title: 'Log', view: LogsPage },
  phone: { title: 'Phone', view: PhonePage },
} satisfies Record<string, { title: string; view: (props: PageProps) => unknown }>;
type PageName = keyof typeof PAGES;

function pageOf(hash: string): PageName {
  const name = hash.replace(/^#\/?/, '');
  return name in PAGES ? (name as PageName) : 'login';
}

function Shell({ api }: { api: Api }) {
  const events = useMemo(() => new EventHub(), []);
  const [page, setPage] = useState<PageName>(() => pageOf(location.hash));
  const [accounts, setAccounts] = useState<readonly Account[]>([]);
  const [account, setAccount] = useState<string | undefined>();
  const [live, setLive] = useState(false);
  const [phone, setPhone] = useState<boolean | undefined>();
  const [error, setError] = useState('');

  useEffect(() => {
    const onHash = () => {
      setPage(pageOf(location.hash));
    };
    addEventListener('hashchange', onHash);
    return () => {
      removeEventListener('hashchange', onHash);
    };
  }, []);
  useEffect(() => {
    const stop = new AbortController();
    void api.events(
      (e) => {
        events.emit(e);
      },
      stop.signal,
      setLive,
    );
    api.accounts().then(
      (list) => {
        setAccounts(list);
        setAccount((old) => old ?? list[0]?.id);
      },
      (err: unknown) => {
        setError(errorText(err));
      },
    );
    // The phone panel exists only when the bot runs on the simulator.
    api.phoneWorld().then(
      () => {
        setPhone(true);
      },
      () => {
        setPhone(false);
      },
    );
    return () => {
      stop.abort();
    };
  }, [api, events]);

  const View = PAGES[page].view;
  return (
    <div class="shell" data-phone={phone === undefined ? 'unknown' : phone ? 'yes' : 'no'}>
      <header>
        <h1>wxbot</h1>
        <nav>
          {(Object.keys(PAGES) as PageName[])
            .filter((name) => name !== 'phone' || phone === true)
            .map((name) => (
              <a href={`#/${name}`} class={name === page ? 'current' : ''} data-page={name}>
                {PAGES[name].title}
              </a>
            ))}
        </nav>
        <select
          class="account"
          value={account}
          onChange={(e) => {
            setAccount(e.currentTarget.value);
          }}
        >
          {accounts.map((a) => (
            <option value={a.id}>{a.id}</option>
          ))}
        </select>
        <span class={live ? 'live up' : 'live down'} title="event stream">
          {live ? 'live' : 'offline'}
        </span>
      </header>
      <main>
        {error === '' ? null : <p class="error">{error}</p>}
        {account === undefined ? (
          <p class="hint">No account yet.</p>
        ) : (
          <View api={api} account={account} events={events} />
        )}
      </main>
    </div>
  );
}

function NoToken() {
  return (
    <div class="shell">
      <h1>wxbot</h1>
      <p class="error">
        This page needs the console token: open the URL that <code>wxbot start</code> printed (it ends in
        <code>#token=…</code>), or add <code>#token=</code> and the content of <code>&lt;dataDir&gt;/api-token</code>.
      </p>
    </div>
  );
}

const token = takeToken(location, history, sessionStorage);
const root = document.getElementById('app')!;
if (token === undefined) render(<NoToken />, root);
else {
  const api = createApi(token);
  // A wrong or old token: say so, and forget it so the next #token= is taken.
  api.accounts().catch((err: unknown) => {
    if ((err as { status?: number }).status === 401) forgetToken(sessionStorage);
  });
  render(<Shell api={api} />, root);
}
