import { HistoryCutoff } from '../../src/client/history-cutoff.js';
import type { RawMessage } from '../../src/wire/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { newClient, simSuite, waitFor } from './helpers.js';

/** Moves Date.now (the simulator's CreateTime and the client's login time) forward; timers are untouched. */
function clock(): { advance(ms: number): void; restore(): void } {
  const real = Date.now;
  let offset = 0;
  Date.now = () => real.call(Date) + offset;
  return {
    advance(ms) {
      offset += ms;
    },
    restore() {
      Date.now = real;
    },
  };
}

describe('HistoryCutoff', () => {
  const at = (t: number | undefined) => ({ raw: { MsgId: String(t), CreateTime: t } as RawMessage });

  it('splits by CreateTime only after a fresh login, and never with false', () => {
    const h = new HistoryCutoff(60);
    const list = [at(1000), at(1939), at(1940), at(undefined)];
    expect(h.split(list).history).toEqual([]);
    h.freshLogin(2000_000);
    expect(h.split(list).history.map((e) => e.raw.MsgId)).toEqual(['1000', '1939']);
    expect(h.split(list).deliver.map((e) => e.raw.MsgId)).toEqual(['1940', 'undefined']);
    const off = new HistoryCutoff(false);
    off.freshLogin(2000_000);
    expect(off.split(list).history).toEqual([]);
  });
});

describe('history after a fresh QR login', () => {
  const env = simSuite();

  const offlineThenLogin = async (extra: { historyCutoffSeconds?: number | false }) => {
    const sim = await env.start();
    const c = clock();
    try {
      // No session is live: the server keeps these for the next login, with their CreateTime.
      sim.say({ from: 'wxid_alice', text: 'two minutes old' });
      c.advance(100_000);
      sim.say({ from: 'wxid_alice', text: 'twenty seconds old' });
      c.advance(20_000);
      const client = newClient(sim, env.dir, extra);
      const got: string[] = [];
      client.setMessageHandler(async (m) => {
        got.push(m.raw.Content);
      });
      try {
        await client.start();
        sim.say({ from: 'wxid_alice', text: 'live' });
        await waitFor(() => got.includes('live'), 'the live message');
        return got;
      } finally {
        await client.stop();
      }
    } finally {
      c.restore();
    }
  };

  it('messages older than login minus historyCutoffSeconds (default 60) are not handed over', async () => {
    expect(await offlineThenLogin({})).toEqual(['twenty seconds old', 'live']);
  });

  it('historyCutoffSeconds: false hands all history over', async () => {
    expect(await offlineThenLogin({ historyCutoffSeconds: false })).toEqual([
      'two minutes old',
      'twenty seconds old',
      'live',
    ]);
  });

  it('a restart that resumes the saved session skips nothing, however old', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const c = clock();
    try {
      const first = newClient(sim, env.dir, { sessionStore: store });
      first.setMessageHandler(async () => {});
      await first.start();
      await first.stop();
      sim.say({ from: 'wxid_alice', text: 'while down' });
      c.advance(600_000);
      const second = newClient(sim, env.dir, { sessionStore: store });
      const got: string[] = [];
      second.setMessageHandler(async (m) => {
        got.push(m.raw.Content);
      });
      try {
        await second.start();
        await waitFor(() => got.includes('while down'), 'the message sent while down');
      } finally {
        await second.stop();
      }
    } finally {
      c.restore();
    }
  });

  it('refuses a bad historyCutoffSeconds, naming the option', () => {
    expect(() =>
      newClient({ loginUrl: 'http://127.0.0.1:1', url: 'http://127.0.0.1:1' } as never, env.dir, {
        historyCutoffSeconds: -5,
      }),
    ).toThrow(/historyCutoffSeconds must be an integer ≥ 0 or false \(got -5\)/);
  });
});
