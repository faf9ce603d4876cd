import { createSimulator, type Simulator } from '../src/index.js';
import { CGI, loginAndInit, type Json, type TestClient } from './helpers/client.js';

describe("fault 'accept-then-drop': the action happens, the answer never comes", () => {
  let sim: Simulator;
  let c: TestClient;
  const start = async (seed = 1): Promise<void> => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50, seed });
    c = await loginAndInit(sim.url);
    await c.drain();
  };
  afterEach(async () => {
    await sim.close();
  });

  it('delivers the message and echoes it, records it, then kills the connection', async () => {
    await start();
    sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxsendmsg', times: 1 });
    const alice = sim.userNameOf('wxid_alice');
    await expect(c.sendText(alice, 'did it arrive?')).rejects.toThrow(/socket hang up|ECONNRESET/);
    const sent = sim.actions().filter((a) => a.endpoint === 'webwxsendmsg');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ ret: 0, content: 'did it arrive?', to: 'wxid_alice', responseDropped: true });
    // The world changed: the echo of the send is in the sync stream with the id the bot never saw.
    const echoed = (await c.drain()).filter((m: Json) => m.Content === 'did it arrive?');
    expect(echoed).toHaveLength(1);
    expect(echoed[0].MsgId).toBe(sent[0]!.msgId);
    // A blind retry is a second message (times: 1, so this one is answered).
    const again = await c.sendText(alice, 'did it arrive?');
    expect(again.BaseResponse.Ret).toBe(0);
    const all = sim.actions().filter((a) => a.endpoint === 'webwxsendmsg');
    expect(all).toHaveLength(2);
    expect(all[1]!.responseDropped).toBeUndefined();
    expect(sim.faults()[0]).toMatchObject({ fired: 1 });
  });

  it('a room change takes effect although the bot never hears back', async () => {
    await start();
    sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxupdatechatroom' });
    const room = '1000000001@chatroom';
    await expect(
      c.post(`${CGI}webwxupdatechatroom?fun=modtopic&pass_ticket=${c.pt}`, {
        BaseRequest: c.baseRequest(),
        ChatRoomName: sim.userNameOf(room),
        NewTopic: 'renamed anyway',
      }),
    ).rejects.toThrow();
    expect(sim.world.room(room)!.topic).toBe('renamed anyway');
    expect(sim.actions().at(-1)).toMatchObject({ op: 'modtopic', ret: 0, responseDropped: true });
  });

  it('on webwxsync the batch is lost, not consumed: the next sync with the old key gets it again', async () => {
    await start();
    sim.say({ from: 'wxid_bob', text: 'once' });
    sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxsync', times: 1 });
    await expect(c.sync()).rejects.toThrow();
    const texts = (await c.drain()).map((m: Json) => m.Content);
    expect(texts).toEqual(['once']);
  });

  it('fires with a seeded probability: the same seed drops the same requests', async () => {
    const pattern = async (seed: number): Promise<boolean[]> => {
      await start(seed);
      sim.addFault({ kind: 'accept-then-drop', endpoint: 'webwxsendmsg', probability: 0.5 });
      const out: boolean[] = [];
      for (let i = 0; i < 12; i++)
        out.push(
          await c.sendText(sim.userNameOf('wxid_bob'), `m${i}`).then(
            () => false,
            () => true,
          ),
        );
      // Every request was performed, dropped or not.
      expect(sim.actions().filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0)).toHaveLength(12);
      expect(sim.actions().filter((a) => a.responseDropped).length).toBe(out.filter(Boolean).length);
      await sim.close();
      return out;
    };
    const a = await pattern(7);
    const b = await pattern(7);
    expect(b).toEqual(a);
    expect(a.some(Boolean)).toBe(true);
    expect(a.every(Boolean)).toBe(false);
    sim = await createSimulator({});
  });

  it('is accepted by the fault validator and the control API', async () => {
    await start();
    const res = await c.post('/__sim/faults', { kind: 'accept-then-drop', endpoint: ['webwxsendmsg'], after: 2 });
    expect(JSON.parse(res.text)).toEqual({ ok: true, count: 1 });
    expect(sim.faults()[0]!.rule).toMatchObject({ kind: 'accept-then-drop', after: 2 });
  });
});
