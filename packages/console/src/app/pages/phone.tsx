import { useEffect, useState } from 'preact/hooks';

import type { PhoneWorld } from '../api.js';
import { errorText, type PageProps } from './common.js';

/** Simulator mode only: speak as a friend, or as a member in a room, to the bot. */
export function PhonePage({ api }: PageProps) {
  const [world, setWorld] = useState<PhoneWorld | undefined>();
  const [room, setRoom] = useState('');
  const [from, setFrom] = useState('');
  const [text, setText] = useState('');
  const [log, setLog] = useState<readonly string[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    api.phoneWorld().then(setWorld, (err: unknown) => {
      setError(errorText(err));
    });
  }, [api]);
  const people = room === '' ? (world?.people ?? []) : (world?.rooms.find((r) => r.id === room)?.members ?? []);
  const speaker = people.some((p) => p.id === from) ? from : (people[0]?.id ?? '');
  return (
    <section class="page phone">
      <h2>Phone (simulator)</h2>
      {error === '' ? null : <p class="error">{error}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (speaker === '' || text === '') return;
          setError('');
          api.phoneSay({ from: speaker, text, ...(room === '' ? {} : { room }) }).then(
            () => {
              const who = people.find((p) => p.id === speaker)?.name ?? speaker;
              setLog((old) => [...old, `${who}${room === '' ? '' : ` in ${room}`}: ${text}`]);
              setText('');
            },
            (err: unknown) => {
              setError(errorText(err));
            },
          );
        }}
      >
        <label>
          Where
          <select
            class="phone-room"
            value={room}
            onChange={(e) => {
              setRoom(e.currentTarget.value);
            }}
          >
            <option value="">a private chat</option>
            {(world?.rooms ?? []).map((r) => (
              <option value={r.id}>{r.name}</option>
            ))}
          </select>
        </label>
        <label>
          As
          <select
            class="phone-from"
            value={speaker}
            onChange={(e) => {
              setFrom(e.currentTarget.value);
            }}
          >
            {people.map((p) => (
              <option value={p.id}>{p.name}</option>
            ))}
          </select>
        </label>
        <input
          class="phone-text"
          type="text"
          placeholder="What they say to the bot"
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
          }}
        />
        <button type="submit">Say</button>
      </form>
      <ul class="phone-log">
        {log.map((l) => (
          <li>{l}</li>
        ))}
      </ul>
    </section>
  );
}
