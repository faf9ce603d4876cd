import { performance } from 'node:perf_hooks';

import { createSimulator, type BotAction, type Simulator } from '../src/index.js';
import { CGI, loginAndInit, raw, type TestClient } from './helpers/client.js';

describe('onAction: one clock from injection to the arrival of the reply', () => {
  let sim: Simulator;
  let c: TestClient;
  const warnings: string[] = [];
  beforeEach(async () => {
    warnings.length = 0;
    sim = await createSimulator({
      autoConfirm: true,
      loginPollHoldMs: 100,
      synccheckHoldMs: 50,
      logger: { warn: (m) => warnings.push(m) },
    });
    c = await loginAndInit(sim.url);
    await c.drain();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('calls the listener synchronously, before the bot has its answer, with the record actions() keeps', async () => {
    let answered = false;
    const seen: { action: BotAction; answeredYet: boolean; now: number }[] = [];
    const off = sim.onAction((action) => seen.push({ action, answeredYet: answered, now: performance.now() }));
    const before = performance.now();
    const res = await c.sendText(sim.userNameOf('wxid_alice'), 'pong 7').then((r) => {
      answered = true;
      return r;
    });
    expect(res.BaseResponse.Ret).toBe(0);
    expect(seen).toHaveLength(1);
    const [{ action, answeredYet, now }] = seen as [(typeof seen)[0]];
    expect(answeredYet).toBe(false);
    expect(action).toMatchObject({ endpoint: 'webwxsendmsg', content: 'pong 7', to: 'wxid_alice', ret: 0 });
    expect(action.msgId).toBe(res.MsgID);
    // Arrival is stamped on the caller's clock: after the request was issued, no later than the listener ran.
    expect(action.hrAt).toBeGreaterThanOrEqual(before);
    expect(action.hrAt).toBeLessThanOrEqual(now);
    const kept = sim.actions().find((a) => a.seq === action.seq);
    expect(kept).toEqual(action);
    expect(typeof kept?.hrAt).toBe('number');
    off();
    await c.sendText(sim.userNameOf('wxid_alice'), 'after unsubscribe');
    expect(seen).toHaveLength(1);
  });

  it('stamps the arrival, not the moment the record was made (a latency fault sits in between)', async () => {
    sim.addFault({ kind: 'latency', ms: 60, endpoint: 'webwxsendmsg' });
    let recordedAt = 0;
    let hrAt = 0;
    sim.onAction((a) => {
      if (a.endpoint !== 'webwxsendmsg') return;
      recordedAt = performance.now();
      hrAt = a.hrAt;
    });
    await c.sendText(sim.userNameOf('wxid_alice'), 'slow');
    // A timer never fires early by more than a millisecond; this bounds the gap from below only.
    expect(recordedAt - hrAt).toBeGreaterThanOrEqual(55);
  });

  it('sees refused calls too, and a throwing listener neither breaks the answer nor the other listeners', async () => {
    const got: BotAction[] = [];
    sim.onAction(() => {
      throw new Error('listener bug');
    });
    sim.onAction((a) => got.push(a));
    const bad = await c.sendText('@not-a-contact', 'x');
    expect(bad.BaseResponse.Ret).toBe(1204);
    expect(got.map((a) => [a.endpoint, a.ret])).toEqual([['webwxsendmsg', 1204]]);
    expect(warnings.some((w) => w.includes('onAction listener threw') && w.includes('listener bug'))).toBe(true);
  });

  it('reports hrAt through the HTTP control API as well', async () => {
    await c.sendText(sim.userNameOf('wxid_bob'), 'hi');
    const r = await raw(`${sim.controlUrl}/actions`);
    const { actions } = JSON.parse(r.text) as { actions: BotAction[] };
    const send = actions.find((a) => a.endpoint === 'webwxsendmsg');
    expect(typeof send?.hrAt).toBe('number');
  });

  it('close() drops listeners', async () => {
    const got: string[] = [];
    sim.onAction((a) => got.push(a.endpoint));
    await sim.close();
    // A request after close cannot reach a listener; the log is not fed any more.
    sim.engine.actions.record({ endpoint: 'webwxsendmsg', ret: 0 });
    expect(got).toEqual([]);
  });
});

describe('onAction on endpoints without a session', () => {
  it('fires for a refused webwxinit (no login yet) on the same path as any action', async () => {
    const sim = await createSimulator({ loginPollHoldMs: 100, synccheckHoldMs: 50 });
    try {
      const got: BotAction[] = [];
      sim.onAction((a) => got.push(a));
      const r = await raw(`${sim.url}${CGI}webwxinit?r=1`, {
        body: JSON.stringify({ BaseRequest: { Uin: 1, Sid: 'x', Skey: 'y', DeviceID: 'e1' } }),
      });
      expect(JSON.parse(r.text).BaseResponse.Ret).toBe(1101);
      expect(got.map((a) => [a.endpoint, a.ret])).toEqual([['webwxinit', 1101]]);
    } finally {
      await sim.close();
    }
  });
});
