import { createSimulator, type Simulator } from '../src/index.js';
import { ActionLog } from '../src/actions.js';
import { CGI, loginAndInit, type TestClient } from './helpers/client.js';
import { upload } from './helpers/upload.js';

describe('what the simulator keeps (`retain`)', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('keeps the newest messages: an old one is refused like an unknown id, a recent one still revokes', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50, retain: 10 });
    const c: TestClient = await loginAndInit(sim.url);
    await c.drain();
    const alice = sim.userNameOf('wxid_alice');
    const revoke = async (id: string): Promise<number> =>
      (
        await c.postJson(`${CGI}webwxrevokemsg?pass_ticket=${c.pt}`, {
          BaseRequest: c.baseRequest(),
          SvrMsgId: id,
          ToUserName: alice,
          ClientMsgId: '1',
        })
      ).BaseResponse.Ret as number;
    const first = await c.sendText(alice, 'the first');
    // Each send stores the bot's message; 11 more push the first past 10 + a tenth.
    let last = first;
    for (let i = 0; i < 11; i++) last = await c.sendText(alice, `more ${i}`);
    expect(await revoke(first.MsgID)).toBe(1);
    expect(await revoke(last.MsgID)).toBe(0);
    // The recorded actions are bounded the same way: the newest 10, up to a tenth more between trims.
    const kept = sim.actions();
    expect(kept.length).toBeLessThanOrEqual(11);
    expect(kept.at(-1)!.endpoint).toBe('webwxrevokemsg');
  });

  it('keeps the newest uploads: an old one is refused when sent, as an expired upload is', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50, retain: 10 });
    const c: TestClient = await loginAndInit(sim.url);
    await c.drain();
    const alice = sim.userNameOf('wxid_alice');
    const ids: string[] = [];
    // 12 uploads: 11 fit (10 + a tenth), the 12th trims back to the newest 10.
    for (let i = 0; i < 12; i++) {
      const [answer] = await upload(c, Buffer.alloc(64, i + 1), `f${i}.bin`);
      ids.push(JSON.parse(answer!).MediaId as string);
    }
    const sendImage = async (mediaId: string): Promise<number> =>
      (
        await c.postJson(`${CGI}webwxsendmsgimg?fun=async&f=json&pass_ticket=${c.pt}`, {
          BaseRequest: c.baseRequest(),
          Scene: 0,
          Msg: { Type: 3, MediaId: mediaId, ToUserName: alice, Content: '', LocalID: '1', ClientMsgId: '1' },
        })
      ).BaseResponse.Ret as number;
    expect(new Set(ids).size).toBe(12);
    expect(await sendImage(ids[0]!)).toBe(1);
    expect(await sendImage(ids[1]!)).toBe(1);
    expect(await sendImage(ids[2]!)).toBe(0);
    expect(await sendImage(ids[11]!)).toBe(0);
  });

  it('refuses a retain that is not a positive whole number, naming it', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN])
      await expect(createSimulator({ retain: bad })).rejects.toThrow(
        /createSimulator: `retain` must be a positive whole number \(got/,
      );
  });

  it('an action log trims its oldest a tenth at a time, and listeners still see every action', () => {
    const seen: number[] = [];
    const log = new ActionLog(undefined, 20);
    log.subscribe((a) => seen.push(a.seq));
    for (let i = 0; i < 25; i++) log.record({ endpoint: 'webwxsendmsg', ret: 0 });
    // 22 fit (20 + 2); the 23rd trims back to the newest 20.
    expect(log.all().map((a) => a.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 4));
    expect(seen).toHaveLength(25);
    expect(log.since(24).map((a) => a.seq)).toEqual([25]);
  });
});
