import { LoginForbidden, QrExpired } from '../../src/client/errors.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { newClient, simSuite, waitFor } from './helpers.js';

describe('login', () => {
  const env = simSuite();

  it('desktop mode: sends mod=desktop and the UOS headers, reads the XML from the 301', async () => {
    const { sim, client } = await env.startWithClient();
    await client.start();
    const page = sim.actions().find((a) => a.endpoint === 'webwxnewloginpage');
    expect(page).toMatchObject({ ret: 0, op: 'desktop' });
    await client.stop();
  });

  it('logout() deletes the saved session and nothing writes it back (the next start needs a QR)', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const client = newClient(sim, env.dir, { sessionStore: store });
    client.setMessageHandler(async () => {});
    await client.start();
    await waitFor(() => store.keys().includes('bot/session'), 'session saved');
    sim.say({ from: 'wxid_alice', text: 'a checkpoint is pending' });
    await client.logout();
    await new Promise((r) => setTimeout(r, 150)); // longer than the test checkpoint interval
    expect(await store.get('bot/session')).toBeUndefined();
  });

  it('rejects a send concurrency that is not a positive integer, naming the option', () => {
    expect(() =>
      newClient({ url: 'http://127.0.0.1:1', loginUrl: 'http://127.0.0.1:1' } as never, env.dir, {
        sendConcurrency: { text: 0 },
      }),
    ).toThrow(/options\.sendConcurrency\.text must be an integer ≥ 1 \(got 0\)/);
  });

  it('walks waiting → scanned (with avatar) → confirmed and emits the QR uuid and URL', async () => {
    const { sim, client } = await env.startWithClient({ autoConfirm: false });
    const seen: string[] = [];
    let qrUrl = '';
    client.on('qr', (e) => {
      qrUrl = e.url;
      seen.push('qr');
    });
    client.on('scanned', () => seen.push('scanned'));
    const started = client.start();
    await waitFor(() => seen.includes('qr'), 'qr event');
    const uuid = sim.pendingLogins()[0]!;
    expect(qrUrl).toBe(`${sim.loginUrl}/l/${uuid}`);
    sim.scan(uuid);
    await waitFor(() => seen.includes('scanned'), 'scanned event');
    sim.confirm(uuid);
    await started;
    expect(seen).toEqual(['qr', 'scanned']);
    await client.stop();
  });

  it('refreshes an expired QR code a bounded number of times, then rejects with QrExpired', async () => {
    const { client } = await env.startWithClient(
      { autoConfirm: false, uuidTtlMs: 60, loginPollHoldMs: 40 },
      { qr: { terminal: false, pngPath: false, maxRefreshes: 2 } },
    );
    const uuids: string[] = [];
    client.on('qr', (e) => uuids.push(e.uuid));
    await expect(client.start()).rejects.toBeInstanceOf(QrExpired);
    expect(uuids).toHaveLength(3);
    expect(new Set(uuids).size).toBe(3);
    await client.stop();
  });

  it('ret=1203 becomes LoginForbidden with the server message and a hint, and never loops to a new QR', async () => {
    const sim = await env.start();
    sim.ban({ webLogin: true });
    const client = newClient(sim, env.dir, { desktop: false });
    let qrs = 0;
    client.on('qr', () => qrs++);
    const err = (await client.start().catch((e: unknown) => e)) as LoginForbidden;
    expect(err).toBeInstanceOf(LoginForbidden);
    expect(err.code).toBe('LOGIN_FORBIDDEN');
    expect(err.endpoint).toBe('webwxnewloginpage');
    expect(err.serverMessage.length).toBeGreaterThan(0);
    expect(err.hint).toMatch(/desktop/i);
    expect(qrs).toBe(1);
    expect(sim.actions().filter((a) => a.endpoint === 'webwxnewloginpage')).toHaveLength(1);
    await client.stop();
  });

  it('desktop mode without its headers is refused (1203) — the headers are what the server checks', async () => {
    const { client } = await env.startWithClient({}, { desktop: { extspam: '' } });
    await expect(client.start()).rejects.toBeInstanceOf(LoginForbidden);
    await client.stop();
  });

  it('hot login: a restart reuses the saved session without a QR code', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    await first.start();
    await first.stop();
    const second = newClient(sim, env.dir, { sessionStore: store });
    const vias: string[] = [];
    second.on('login', (e) => vias.push(e.via));
    second.on('qr', () => vias.push('qr-shown'));
    await second.start();
    expect(vias).toEqual(['hot']);
    expect(sim.actions().filter((a) => a.endpoint === 'webwxnewloginpage')).toHaveLength(1);
    await second.stop();
  });

  it('a dead saved session falls back to push login, without a QR code', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    await first.start();
    await first.stop();
    sim.expireSession(1101);
    const second = newClient(sim, env.dir, { sessionStore: store });
    const vias: string[] = [];
    second.on('login', (e) => vias.push(e.via));
    second.on('qr', () => vias.push('qr-shown'));
    try {
      await second.start();
      // Exactly push: a push login that always failed would end in 'qr' here.
      expect(vias).toEqual(['push']);
      expect(sim.actions().filter((a) => a.endpoint === 'webwxpushloginurl')).toMatchObject([{ ret: 0 }]);
    } finally {
      await second.stop();
    }
  });

  it('when push login fails too, a dead saved session falls back to QR', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    await first.start();
    await first.stop();
    sim.expireSession(1101);
    sim.addFault({ kind: 'http', status: 500, endpoint: 'webwxpushloginurl' });
    const second = newClient(sim, env.dir, { sessionStore: store });
    const vias: string[] = [];
    second.on('login', (e) => vias.push(e.via));
    const contexts: string[] = [];
    second.on('error', (e) => contexts.push(e.context));
    try {
      await second.start();
      expect(vias).toEqual(['qr']);
      expect(contexts).toContain('push login failed; falling back to QR');
    } finally {
      await second.stop();
    }
  });

  it('loginMode hot without a saved session fails with HOT_LOGIN_FAILED', async () => {
    const { client } = await env.startWithClient({}, { loginMode: 'hot' });
    await expect(client.start()).rejects.toMatchObject({ code: 'HOT_LOGIN_FAILED' });
    await client.stop();
  });
});
