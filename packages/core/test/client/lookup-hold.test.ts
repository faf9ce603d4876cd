import { FAST, newClient, simSuite, waitFor } from './helpers.js';

describe('unknown-sender lookups hold only their own chat', () => {
  const env = simSuite();

  it('a hanging batchgetcontact delays the unknown sender’s chat up to lookupHoldMs; known chats go at once', async () => {
    const sim = await env.start();
    const client = newClient(sim, env.dir, {}, { ...FAST, lookupHoldMs: 300 });
    try {
      const got: string[] = [];
      client.setMessageHandler(async (m) => {
        got.push(m.raw.Content);
      });
      await client.start();
      expect(client.contacts.contact(sim.userNameOf('wxid_erin'))).toBeUndefined();
      sim.addFault({ kind: 'latency', ms: 60_000, endpoint: 'webwxbatchgetcontact' });
      const since = sim.actions().length;
      // Same sync batch: the stranger first, then a friend in another chat.
      sim.say({ from: 'wxid_erin', text: 'from a stranger' });
      sim.say({ from: 'wxid_alice', text: 'from a friend' });
      sim.say({ from: 'wxid_erin', text: 'stranger again' });
      await waitFor(() => got.includes('from a friend'), 'the known sender, not held by the lookup', 2000);
      expect(got).not.toContain('from a stranger');
      await waitFor(() => got.includes('stranger again'), 'the held chat, after lookupHoldMs', 3000);
      // The lookup has not answered: the chat was released by the bound, in its own order.
      expect(
        sim
          .actions()
          .slice(since)
          .some((a) => a.endpoint === 'webwxbatchgetcontact'),
      ).toBe(false);
      expect(got.filter((t) => t !== 'from a friend')).toEqual(['from a stranger', 'stranger again']);
    } finally {
      client.halt();
    }
  });
});
