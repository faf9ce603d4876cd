import type { Simulator } from '@wxbot/simulator';
import type { IncomingMessage } from '../../src/client/types.js';
import { newClient, startSim, tempDir, waitFor } from './helpers.js';

describe('client against the simulator: login, init, sync, send', () => {
  let sim: Simulator;
  const tmp = tempDir();
  afterEach(async () => {
    await sim?.close();
  });
  afterAll(() => tmp.cleanup());

  it('logs in by QR, loads contacts, receives a message and replies once', async () => {
    sim = await startSim();
    const client = newClient(sim, tmp.dir);
    const events: string[] = [];
    client.on('qr', (e) => events.push(`qr:${e.uuid === '' ? 'none' : 'uuid'}`));
    client.on('login', (e) => events.push(`login:${e.via}`));
    const got: IncomingMessage[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m);
    });
    const self = await client.start();
    expect(self.kind).toBe('self');
    expect(events).toEqual(['qr:uuid', 'login:qr']);
    expect(client.contacts.size).toBeGreaterThan(1);
    const friend = [...client.contacts.all()].find((c) => c.kind === 'friend')!;
    expect(friend).toBeDefined();
    const stable = sim.stableIdOf(friend.userName)!;
    sim.say({ from: stable, text: 'hello bot' });
    await waitFor(() => got.some((m) => m.raw.Content === 'hello bot'), 'incoming text');
    const sent = await client.sendText(friend.userName, 'hi there');
    expect(sent.msgId).toMatch(/^\d+$/);
    const action = await sim.waitForAction((a) => a.endpoint === 'webwxsendmsg', { timeoutMs: 2000 });
    expect(action.content).toBe('hi there');
    await client.stop();
    expect(client.state).toBe('stopped');
  });
});
