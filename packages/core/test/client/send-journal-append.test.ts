/**
 * A send's journal entry (`j`) and its attempt mark (`a`) share one append when the send goes straight
 * out (Journal.writeJoinable), and the request leaves only after that append. What a crash at each point
 * leaves behind must still be answered exactly once.
 */
import type { BotAction, Simulator } from '@wxbot/simulator';

import type { WebWxClient } from '../../src/client/client.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { newClient, simSuite, waitFor } from './helpers.js';

const accepted = (sim: Simulator): BotAction[] =>
  sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0);
const deliveries = (sim: Simulator, text: string): number => accepted(sim).filter((a) => a.content === text).length;

type Rec = Record<string, unknown>;
interface Append {
  key: string;
  records: Rec[];
}

/** A store whose log appends are recorded (in order, across keys) and may run a hook after each. */
function recordingStore(): { store: MemorySessionStore; appends: Append[]; after: { hook?: (a: Append) => void } } {
  const store = new MemorySessionStore();
  const appends: Append[] = [];
  const after: { hook?: (a: Append) => void } = {};
  const original = store.log.append.bind(store.log);
  store.log.append = async (key, records) => {
    await original(key, records);
    const a = { key, records: records as Rec[] };
    appends.push(a);
    after.hook?.(a);
  };
  return { store, appends, after };
}

const journaled = (a: Append, content: string): boolean =>
  a.records.some((r) => (r['j'] as { content?: string } | undefined)?.content === content);

describe('a send journals its entry and its attempt mark in one append', () => {
  const env = simSuite();
  const clients: WebWxClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => undefined)));
  });

  it('one append carries both, and it lands before the request reaches the server', async () => {
    const sim = await env.start();
    const { store, appends } = recordingStore();
    const client = newClient(sim, env.dir, { sessionStore: store });
    clients.push(client);
    await client.start();
    const friend = sim.userNameOf('wxid_alice');
    let appendsAtRequest = -1;
    const off = sim.onAction((a) => {
      if (a.endpoint === 'webwxsendmsg' && a.content === 'one append') appendsAtRequest = appends.length;
    });
    await client.sendText(friend, 'one append');
    off();
    const withEntry = appends.filter((a) => journaled(a, 'one append'));
    expect(withEntry).toHaveLength(1);
    const cid = (withEntry[0]!.records.find((r) => r['j'] !== undefined)!['j'] as { clientMsgId: string }).clientMsgId;
    // The attempt mark is in the same append, right after the entry.
    const kinds = withEntry[0]!.records.map((r) => Object.keys(r)[0]);
    const at = kinds.indexOf('j');
    expect(kinds[at + 1]).toBe('a');
    expect((withEntry[0]!.records[at + 1]!['a'] as [string, number])[0]).toBe(cid);
    // No other append marks it attempted, and the request came after the append.
    expect(appends.filter((a) => a.records.some((r) => (r['a'] as unknown[] | undefined)?.[0] === cid))).toHaveLength(
      1,
    );
    expect(appendsAtRequest).toBeGreaterThan(appends.indexOf(withEntry[0]!));
  });

  it('a crash right after that append reconciles the send against its echo: delivered once', async () => {
    const sim = await env.start();
    const { store, after } = recordingStore();
    const first = newClient(sim, env.dir, { sessionStore: store });
    clients.push(first);
    await first.start();
    const friend = sim.userNameOf('wxid_alice');
    await first.sendText(friend, 'warm-up');
    await new Promise((r) => setTimeout(r, 150)); // a checkpoint persists the session and SyncKey
    // The disk as a crash would leave it the moment the append carrying the entry returned. The process goes
    // on here, so the request reaches the server: the restarted client must not send it again.
    let crashed: MemorySessionStore | undefined;
    after.hook = (a) => {
      if (crashed === undefined && journaled(a, 'after the append')) crashed = store.snapshot();
    };
    await first.sendText(friend, 'after the append');
    expect(crashed).toBeDefined();
    first.halt();

    const second = newClient(sim, env.dir, { sessionStore: crashed! });
    clients.push(second);
    await second.start();
    // Replayed journaled sends settle in the background: give the reconcile its window (reconcileMs).
    await waitFor(() => second['outbox'].pendingSends === 0, 'the journaled send settled', 8000);
    expect(deliveries(sim, 'after the append')).toBe(1);
  });

  it('sends to one chat made in the same turn leave in call order, each after its own append', async () => {
    const sim = await env.start();
    const { store, appends } = recordingStore();
    const client = newClient(sim, env.dir, { sessionStore: store });
    clients.push(client);
    await client.start();
    const friend = sim.userNameOf('wxid_alice');
    const texts = ['o1', 'o2', 'o3', 'o4', 'o5'];
    const seenAt = new Map<string, number>();
    const off = sim.onAction((a) => {
      if (a.endpoint === 'webwxsendmsg' && texts.includes(a.content ?? '')) seenAt.set(a.content!, appends.length);
    });
    await Promise.all(texts.map((t) => client.sendText(friend, t)));
    off();
    expect(
      accepted(sim)
        .map((a) => a.content)
        .filter((c) => texts.includes(c ?? '')),
    ).toEqual(texts);
    for (const t of texts) {
      const landed = appends.findIndex((a) => journaled(a, t));
      expect(landed).toBeGreaterThanOrEqual(0);
      expect(seenAt.get(t)).toBeGreaterThan(landed);
    }
  });

  it("a handler that does not await its reply: the reply's entry lands before the message's done mark", async () => {
    const sim = await env.start();
    const { store, appends } = recordingStore();
    const client = newClient(sim, env.dir, { sessionStore: store });
    clients.push(client);
    client.setMessageHandler((m) => {
      if (!m.sentByBot && m.raw.Content === 'fire')
        void client.sendText(m.raw.FromUserName, 'and forget', { cause: m.raw.MsgId }).catch(() => undefined);
      return Promise.resolve(); // settles before its reply is even journaled
    });
    await client.start();
    const { msgId } = sim.say({ from: 'wxid_alice', text: 'fire' });
    await waitFor(() => deliveries(sim, 'and forget') === 1, 'the reply');
    await waitFor(
      () => appends.some((a) => a.records.some((r) => r['d'] === msgId)),
      'the done mark (a note: within the note window)',
    );
    const entryAt = appends.findIndex((a) => journaled(a, 'and forget'));
    const doneAt = appends.findIndex((a) => a.records.some((r) => r['d'] === msgId));
    expect(entryAt).toBeGreaterThanOrEqual(0);
    expect(entryAt).toBeLessThan(doneAt);
  });
});
