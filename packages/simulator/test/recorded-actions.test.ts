import { createSimulator, type BotAction, type Simulator } from '../src/index.js';
import { loginAndInit, raw, TestClient } from './helpers/client.js';
import { upload } from './helpers/upload.js';

describe('jslogin and every uploadmedia request are actions', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it('records jslogin with its uuid, the desktop ask, and refusals with their code', async () => {
    sim = await createSimulator({ loginPollHoldMs: 50 });
    const c = new TestClient(sim.url);
    const page = 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop';
    const uuid = await c.jslogin(`&redirect_uri=${encodeURIComponent(page)}`);
    await raw(`${sim.loginUrl}/jslogin?fun=new`);
    const plain = await c.jslogin();
    const logins = sim.actions().filter((a) => a.endpoint === 'jslogin');
    expect(logins).toHaveLength(3);
    expect(logins[0]).toMatchObject({ ret: 0, uuid, op: 'desktop', body: { appid: 'wx782c26e4c19acffb' } });
    expect((logins[0]!.body as Record<string, string>)['redirect_uri']).toBe(page);
    expect(logins[1]).toMatchObject({ ret: 400, body: { fun: 'new' } });
    expect(logins[1]!.uuid).toBeUndefined();
    expect(logins[2]).toMatchObject({ ret: 0, uuid: plain });
    expect(logins[2]!.op).toBeUndefined();
    // The polls and the QR image stay out of the log.
    await c.poll(uuid);
    await raw(`${sim.loginUrl}/qrcode/${uuid}`);
    expect(sim.actions()).toHaveLength(3);
  });

  it('records each chunk of a chunked upload; only the last carries the MediaId', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100 });
    const c = await loginAndInit(sim.url);
    const alice = sim.userNameOf('wxid_alice');
    const since = sim.actions().length;
    const answers = await upload(c, Buffer.alloc(30_000, 1), 'big.bin', 3, alice);
    const mediaId = JSON.parse(answers[2]!).MediaId as string;
    const ups = sim.actions().slice(since);
    expect(ups.map((a) => [a.endpoint, a.chunk, a.chunks, a.ret, a.mediaId])).toEqual([
      ['webwxuploadmedia', 0, 3, 0, undefined],
      ['webwxuploadmedia', 1, 3, 0, undefined],
      ['webwxuploadmedia', 2, 3, 0, mediaId],
    ]);
    for (const a of ups) expect(a).toMatchObject({ content: 'big.bin', to: 'wxid_alice', toUserName: alice });
    expect((ups[0]!.body as Record<string, unknown>)['ClientMediaId']).toBeDefined();

    const one = await upload(c, Buffer.from('x'), 'one.txt');
    const last = sim.actions().at(-1)!;
    expect(last).toMatchObject({ chunk: 0, chunks: 1, ret: 0, mediaId: JSON.parse(one[0]!).MediaId });
  });

  it('records a refused chunk with the Ret the bot got (wrong data ticket, then no session)', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100 });
    const c = await loginAndInit(sim.url);
    c.jar.cookies.set('webwx_data_ticket', 'forged');
    const since = sim.actions().length;
    const answers = await upload(c, Buffer.alloc(100, 2), 'x.bin', 2);
    expect(answers.map((t) => JSON.parse(t).BaseResponse.Ret)).toEqual([-14, -14]);
    expect(
      sim
        .actions()
        .slice(since)
        .map((a) => [a.chunk, a.ret]),
    ).toEqual([
      [0, -14],
      [1, -14],
    ]);
    sim.expireSession();
    await upload(c, Buffer.alloc(10, 2), 'y.bin');
    expect(sim.actions().at(-1)).toMatchObject({ endpoint: 'webwxuploadmedia', ret: 1101, content: 'y.bin' });
  });

  it('shows both through the HTTP control API, and /actions/wait matches on uuid and chunk', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100 });
    const c = await loginAndInit(sim.url);
    const wait = raw(`${sim.controlUrl}/actions/wait`, {
      body: JSON.stringify({ match: { endpoint: 'webwxuploadmedia', chunk: 1 }, timeoutMs: 5000 }),
      headers: { 'Content-Type': 'application/json' },
    });
    await upload(c, Buffer.alloc(1000, 3), 'w.bin', 2);
    const { action } = JSON.parse((await wait).text) as { action: BotAction };
    expect(action).toMatchObject({ chunk: 1, chunks: 2, ret: 0 });
    const { actions } = JSON.parse((await raw(`${sim.controlUrl}/actions`)).text) as { actions: BotAction[] };
    const jslogin = actions.find((a) => a.endpoint === 'jslogin')!;
    const byUuid = JSON.parse(
      (
        await raw(`${sim.controlUrl}/actions/wait`, {
          body: JSON.stringify({ match: { uuid: jslogin.uuid }, timeoutMs: 1000 }),
          headers: { 'Content-Type': 'application/json' },
        })
      ).text,
    ) as { action: BotAction };
    expect(byUuid.action.seq).toBe(jslogin.seq);
  });
});
