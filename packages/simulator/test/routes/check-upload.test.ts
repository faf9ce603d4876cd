import { createHash } from 'node:crypto';

import { createSimulator, type Simulator } from '../../src/index.js';
import { awaitRedirect, CGI, loginAndInit, raw, TestClient } from '../helpers/client.js';
import { upload } from '../helpers/upload.js';

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

describe('webwxcheckupload and the login refusals a client must tell apart', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it('hands out an AESKey and Signature for unknown bytes, checks the signature, then knows the file', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    const c = await loginAndInit(sim.url);
    const bob = sim.userNameOf('wxid_bob');
    const data = Buffer.alloc(4096, 3);
    const check = (body: Record<string, unknown>) =>
      c.postJson(`${CGI}webwxcheckupload?pass_ticket=${c.pt}`, {
        BaseRequest: c.baseRequest(),
        FromUserName: c.selfUserName,
        ToUserName: bob,
        FileName: 'big.bin',
        FileSize: data.length,
        FileMd5: md5(data),
        FileType: 7,
        ...body,
      });
    const first = await check({});
    expect(first.BaseResponse.Ret).toBe(0);
    expect(first.MediaId).toBe('');
    expect(first.AESKey).toMatch(/^[0-9a-f]{32}$/);
    expect(first.Signature).toMatch(/^[0-9a-f]{64}$/);
    const forged = JSON.parse((await upload(c, data, 'big.bin', 1, bob, { Signature: 'f'.repeat(64) }))[0]!);
    expect(forged.BaseResponse.Ret).toBe(1);
    const up = JSON.parse(
      (await upload(c, data, 'big.bin', 1, bob, { AESKey: first.AESKey, Signature: first.Signature }))[0]!,
    );
    expect(up.BaseResponse.Ret).toBe(0);
    const again = await check({});
    expect(again.MediaId).toBe(up.MediaId);
    // Same md5, other size: not the same file.
    expect((await check({ FileSize: 10 })).MediaId).toBe('');
    expect((await check({ FileMd5: 'nope' })).BaseResponse.Ret).toBe(1);
    expect((await check({ BaseRequest: { ...c.baseRequest(), Sid: 'x' } })).BaseResponse.Ret).toBe(1101);
    expect(
      sim
        .actions()
        .filter((a) => a.endpoint === 'webwxcheckupload')
        .map((a) => a.ret),
    ).toEqual([0, 0, 0, 1, 1101]);
    expect(sim.actions().find((a) => a.endpoint === 'webwxcheckupload')).toMatchObject({
      to: 'wxid_bob',
      content: 'big.bin',
    });
  });

  it('ret faults answer the login page in XML and push login in its JSON with the reported messages', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 50 });
    sim.addFault({ kind: 'ret', ret: 1, endpoint: 'webwxnewloginpage', times: 1 });
    // Rules fire independently: each lets the earlier ones' requests through first.
    for (const ret of [1, 2, 3])
      sim.addFault({ kind: 'ret', ret, endpoint: 'webwxpushloginurl', after: ret - 1, times: 1 });
    const c = new TestClient(sim.url);
    const uuid = await c.jslogin();
    const redirect = await awaitRedirect(c, uuid);
    expect((await c.newLoginPage(redirect)).text).toBe('<error><ret>1</ret><message></message></error>');
    const push = async (): Promise<string> =>
      (await raw(`${sim.url}${CGI}webwxpushloginurl?uin=${sim.world.self.uin}`)).text;
    expect(await push()).toBe('{"ret":"1","msg":"args error"}');
    expect(await push()).toBe('{"ret":"2","msg":"antispam"}');
    expect(await push()).toBe('{"ret":"3","msg":"device authinfo invalid"}');
    expect(JSON.parse(await push())).toMatchObject({ ret: '0', msg: 'all ok' });
  });

  it('ban({ reason }) picks the 1203 text: the environment check or real-name verification', async () => {
    sim = await createSimulator({ loginPollHoldMs: 50 });
    const texts: string[] = [];
    for (const reason of ['environment', 'real-name', undefined] as const) {
      sim.ban({ webLogin: true, ...(reason === undefined ? {} : { reason }) });
      const c = new TestClient(sim.url);
      const uuid = await c.jslogin();
      sim.confirm(uuid);
      const redirect = /redirect_uri="([^"]+)"/.exec((await c.poll(uuid)).text)![1]!;
      texts.push((await c.newLoginPage(redirect)).text);
    }
    expect(texts[0]).toContain('<ret>1203</ret><message>当前登录环境异常');
    expect(texts[1]).toMatch(/<ret>1203<\/ret><message>[^<]*实名认证/);
    expect(texts[2]).toContain('此微信号已不允许登录网页微信');
  });
});
