import { useEffect, useState } from 'preact/hooks';

import type { Contact, Plugin } from '../api.js';
import { SchemaForm } from '../schema-form.js';
import { errorText, type PageProps } from './common.js';
import { useChats } from './use-chats.js';

function Switches(props: PageProps & { plugin: Plugin; chats: readonly Contact[]; onChanged: () => void }) {
  const { api, account, plugin, chats, onChanged } = props;
  const [filter, setFilter] = useState('');
  const [error, setError] = useState('');
  const needle = filter.toLowerCase();
  const shown = chats.filter((c) => needle === '' || c.name.toLowerCase().includes(needle)).slice(0, 50);
  return (
    <details class="switches">
      <summary>Per-chat switches ({plugin.offIn.length} off)</summary>
      <input
        type="search"
        placeholder="Find a chat"
        value={filter}
        onInput={(e) => {
          setFilter(e.currentTarget.value);
        }}
      />
      {error === '' ? null : <p class="error">{error}</p>}
      <ul>
        {shown.map((c) => (
          <li>
            <label title={c.stable ? undefined : 'no stable id yet: a switch would not survive a re-login'}>
              <input
                type="checkbox"
                class="switch"
                data-chat={c.id}
                disabled={!c.stable}
                checked={!plugin.offIn.includes(c.id)}
                onChange={(e) => {
                  const enabled = e.currentTarget.checked;
                  setError('');
                  api.switchPlugin(account, plugin.name, c.id, enabled).then(onChanged, (err: unknown) => {
                    setError(errorText(err));
                    onChanged();
                  });
                }}
              />
              {c.kind === 'room' ? '# ' : ''}
              {c.name}
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Plugins in pipeline order: state, last error, options as a form from their schema, per-chat switches. */
export function PluginsPage(props: PageProps) {
  const { api, account, events } = props;
  const { chats } = useChats(api, account, events);
  const [plugins, setPlugins] = useState<readonly Plugin[]>([]);
  const [failures, setFailures] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let stopped = false;
    api.plugins(account).then(
      (list) => {
        if (!stopped) {
          setPlugins(list);
          setError('');
        }
      },
      (err: unknown) => {
        if (!stopped) setError(errorText(err));
      },
    );
    return () => {
      stopped = true;
    };
  }, [api, account, version]);
  useEffect(
    () =>
      events.on((e) => {
        if (e.account !== account || e.type !== 'plugin-failure') return;
        const plugin = String(e.data.plugin);
        setFailures((old) => new Map(old).set(plugin, String(e.data.what)));
        setVersion((v) => v + 1);
      }),
    [account, events],
  );
  const reload = () => {
    setVersion((v) => v + 1);
  };
  return (
    <section class="page plugins">
      <h2>Plugins</h2>
      {error === '' ? null : <p class="error">{error}</p>}
      {plugins.map((p) => {
        const failure = p.error ?? failures.get(p.name);
        return (
          <article class="plugin" data-plugin={p.name}>
            <h3>
              {p.name} <span class={`badge state-${p.state}`}>{p.state}</span>
            </h3>
            {failure === undefined ? null : <p class="error plugin-error">{failure}</p>}
            {p.optionsSchema === undefined ? (
              <p class="hint">No options schema published for this plugin.</p>
            ) : (
              <details class="options" open>
                <summary>Options</summary>
                <SchemaForm
                  schema={p.optionsSchema}
                  value={p.options}
                  onSubmit={async (value) => {
                    await api.savePluginOptions(account, p.name, value);
                  }}
                />
              </details>
            )}
            <Switches {...props} plugin={p} chats={chats} onChanged={reload} />
          </article>
        );
      })}
    </section>
  );
}
