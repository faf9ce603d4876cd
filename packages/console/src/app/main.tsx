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
import { forgetToken, keepToken, takeToken } from './token.js';

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

// `wxbot start` prints the console URL and the token FILE, never the token (it would reach logs): the
// page asks for it. A password field, so it is not shown on screen or kept by form autofill history.
function NoToken({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <div class="shell">
      <h1>wxbot</h1>
      <form
        class="token-form"
        onSubmit={(e) => {
          e.preventDefault();
          onToken(value);
        }}
      >
        <p class="hint">
          This page needs the console token: paste the content of the token file that <code>wxbot start</code> printed (
          <code>&lt;dataDir&gt;/api-token</code>, or <code>api.token</code> in the config).
        </p>
        <input
          type="password"
          name="token"
          autocomplete="off"
          placeholder="token"
          value={value}
          onInput={(e) => {
            setValue(e.currentTarget.value);
          }}
        />
        <button type="submit">Open</button>
      </form>
    </div>
  );
}

const root = document.getElementById('app')!;

function start(token: string | undefined): void {
  if (token === undefined) {
    render(
      <NoToken
        onToken={(typed) => {
          start(keepToken(sessionStorage, typed));
        }}
      />,
      root,
    );
    return;
  }
  const api = createApi(token);
  // A wrong or old token: forget it and ask again.
  api.accounts().catch((err: unknown) => {
    if ((err as { status?: number }).status !== 401) return;
    forgetToken(sessionStorage);
    start(undefined);
  });
  render(<Shell api={api} />, root);
}

start(takeToken(location, history, sessionStorage));
