import { useEffect, useState } from 'preact/hooks';

import type { LogLine } from '../api.js';
import { maskSecrets } from '../mask.js';
import { errorText, time, type PageProps } from './common.js';

/** The bot's log tail, polled; every line masked again here (see mask.ts). */
export function LogsPage({ api }: PageProps) {
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.logs().then(
        (list) => {
          if (!stopped) {
            setLines(list);
            setError('');
          }
        },
        (err: unknown) => {
          if (!stopped) setError(errorText(err));
        },
      );
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api]);
  return (
    <section class="page logs">
      <h2>Log</h2>
      {error === '' ? null : <p class="error">{error}</p>}
      <pre class="log-tail">
        {lines.map((l) => `${time(l.at)} ${l.level.padEnd(5)} ${maskSecrets(l.msg)}\n`).join('')}
      </pre>
    </section>
  );
}
