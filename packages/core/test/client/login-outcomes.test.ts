import { LoginForbidden, PushLoginFailed, RealNameRequired, TicketFailed } from '../../src/client/errors.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import type { WebWxClient } from '../../src/client/client.js';
import { newClient, simSuite } from './helpers.js';

/** Starts `client`, expecting a refusal; the client is stopped either way. */
async function refusal(client: WebWxClient): Promise<unknown> {
  try {
    await client.start();
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await client.stop().catch(() => undefined);
  }
}

/** Login refusals told apart against the simulator (issue 16 item 2). */
describe('login outcomes', () => {
  const env = simSuite();

  it('a ban (1203) is LoginForbidden; a 1203 asking for real-name verification is RealNameRequired', async () => {
    const sim = await env.start();
    sim.ban({ webLogin: true, reason: 'environment' });
    const banned = await refusal(newClient(sim, env.dir, { desktop: false, loginMode: 'qr' }));
    expect(banned).toBeInstanceOf(LoginForbidden);
    expect((banned as LoginForbidden).serverMessage).toMatch(/^当前登录环境异常/);
    sim.ban({ webLogin: true, reason: 'real-name' });
    const unverified = await refusal(newClient(sim, env.dir, { desktop: false, loginMode: 'qr' }));
    expect(unverified).toBeInstanceOf(RealNameRequired);
    expect(unverified).not.toBeInstanceOf(LoginForbidden);
  });

  it('a refused login ticket is TicketFailed, not a ban', async () => {
    const sim = await env.start();
    sim.addFault({ kind: 'ret', ret: 1, endpoint: 'webwxnewloginpage', times: 1 });
    const err = await refusal(newClient(sim, env.dir, { loginMode: 'qr' }));
    expect(err).toBeInstanceOf(TicketFailed);
    expect(err).toMatchObject({ code: 'TICKET_FAILED', ret: 1 });
  });

  it('a refused push login says why (antispam)', async () => {
    const sim = await env.start();
    const store = new MemorySessionStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    try {
      await first.start();
    } finally {
      await first.stop();
    }
    sim.addFault({ kind: 'ret', ret: 2, endpoint: 'webwxpushloginurl', times: 1 });
    const second = newClient(sim, env.dir, { sessionStore: store, loginMode: 'push' });
    const err = await refusal(second);
    expect(err).toBeInstanceOf(PushLoginFailed);
    expect(err).toMatchObject({ reason: 'antispam', ret: 2 });
  });
});
