import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

import { afterEach, describe, expect, it } from '@jest/globals';

import { IlinkSimulator, type IlinkSimulatorOptions } from '../../src/index.js';

// Raw HTTP against the simulated iLink server, written from the protocol document (no client code).
let sim: IlinkSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const BASE_INFO = { channel_version: '1.0.0' };

interface Session {
  readonly s: IlinkSimulator;
  readonly token: string;
  call(
    path: string,
    body: Record<string, unknown>,
    opts?: { baseInfo?: boolean; token?: string },
  ): Promise<Record<string, unknown>>;
}

async function login(opts: IlinkSimulatorOptions = {}): Promise<Session> {
  const s = await IlinkSimulator.start({ autoConfirm: true, longPollMs: 200, qrPollMs: 200, ...opts });
  sim = s;
  const qr = (await (
    await fetch(`${s.baseUrl}/ilink/bot/get_bot_qrcode?bot_type=3`, {
      method: 'POST',
      body: JSON.stringify({ local_token_list: [] }),
    })
  ).json()) as { qrcode: string };
  let token: string | undefined;
  for (let i = 0; i < 10 && token === undefined; i += 1) {
    const st = (await (
      await fetch(`${s.baseUrl}/ilink/bot/get_qrcode_status?qrcode=${encodeURIComponent(qr.qrcode)}`)
    ).json()) as {
      status: string;
      bot_token?: string;
    };
    if (st.status === 'confirmed') token = st.bot_token;
  }
  if (token === undefined) throw new Error('no confirm');
  const t = token;
  return {
    s,
    token: t,
    async call(path, body, o = {}) {
      const res = await fetch(`${s.baseUrl}/ilink/bot/${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          AuthorizationType: 'ilink_bot_token',
          Authorization: `Bearer ${o.token ?? t}`,
        },
        body: JSON.stringify(o.baseInfo === false ? body : { ...body, base_info: BASE_INFO }),
      });
      return (await res.json()) as Record<string, unknown>;
    },
  };
}

const text = (to: string, ctx: string | undefined, t: string): Record<string, unknown> => ({
  msg: {
    to_user_id: to,
    ...(ctx === undefined ? {} : { context_token: ctx }),
    item_list: [{ type: 1, text_item: { text: t } }],
  },
});

describe('iLink simulator', () => {
  it('refuses bot calls without a valid token (-14) or without base_info', async () => {
    const { call } = await login();
    expect(await call('getupdates', { get_updates_buf: '' }, { token: 'nope' })).toMatchObject({ errcode: -14 });
    expect(await call('notifystart', {}, { baseInfo: false })).toMatchObject({
      ret: -1,
      errmsg: expect.stringMatching(/base_info/),
    });
    expect(await call('msg/notifystart', {})).toMatchObject({ ret: 0 });
  });

  it('serves updates after an opaque cursor, with uint64 message ids as bare integers; an old cursor replays', async () => {
    const { s, token } = await login();
    const a = s.say('u1@im.wechat', 'one');
    const post = async (buf: string): Promise<string> =>
      (
        await fetch(`${s.baseUrl}/ilink/bot/getupdates`, {
          method: 'POST',
          headers: { AuthorizationType: 'ilink_bot_token', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ get_updates_buf: buf, base_info: BASE_INFO }),
        })
      ).text();
    const first = await post('');
    expect(first).toContain(`"message_id":${a.messageId}`);
    expect(BigInt(a.messageId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const cursor = (JSON.parse(first) as { get_updates_buf: string }).get_updates_buf;
    const b = s.say('u1@im.wechat', 'two');
    const second = await post(cursor);
    expect(second).toContain(`"message_id":${b.messageId}`);
    expect(second).not.toContain(`"message_id":${a.messageId}`);
    // The cursor before "two" still reads "two": nothing is consumed until a later cursor moves past it.
    expect(await post(cursor)).toContain(`"message_id":${b.messageId}`);
  });

  it('checks context_token and the reply window on sendmessage', async () => {
    let now = 5_000_000;
    const { s, call } = await login({ replyWindowMs: 40_000, quota: false, now: () => now });
    expect(await call('sendmessage', text('u1@im.wechat', undefined, 'first'))).toMatchObject({ ret: -1 });
    const { contextToken } = s.say('u1@im.wechat', 'hi');
    s.say('u2@im.wechat', 'hi');
    expect(await call('sendmessage', text('u2@im.wechat', contextToken, 'wrong user'))).toMatchObject({ ret: -1 });
    expect(await call('sendmessage', text('u1@im.wechat', contextToken, 'ok'))).toMatchObject({ ret: 0 });
    now += 40_001;
    expect(await call('sendmessage', text('u1@im.wechat', contextToken, 'late'))).toMatchObject({
      ret: -1,
      errmsg: expect.stringMatching(/reply window/),
    });
    expect(s.sent().map((x) => x.text)).toEqual(['ok']);
  });

  it('answers ret -2 past the quota, for the whole block', async () => {
    const { s, call } = await login({ quota: { sends: 2, windowMs: 60_000, blockMs: 60_000 } });
    const { contextToken } = s.say('u1@im.wechat', 'hi');
    const rets = [];
    for (let i = 0; i < 4; i += 1)
      rets.push((await call('sendmessage', text('u1@im.wechat', contextToken, `m${i}`))).ret);
    expect(rets).toEqual([0, 0, -2, -2]);
  });

  it('stores uploads only when they decrypt to the declared file, and serves encrypted downloads', async () => {
    const { s, call } = await login({ quota: false });
    const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const plain = Buffer.from('hello media');
    const c = createCipheriv('aes-128-ecb', key, null);
    const cipher = Buffer.concat([c.update(plain), c.final()]);
    const up = await call('getuploadurl', {
      filekey: 'fk1',
      media_type: 3,
      to_user_id: 'u1@im.wechat',
      rawsize: plain.length,
      rawfilemd5: createHash('md5').update(plain).digest('hex'),
      filesize: 16,
      no_need_thumb: true,
      aeskey: key.toString('hex'),
    });
    const url = `${s.cdnBaseUrl}/upload?encrypted_query_param=${encodeURIComponent(String(up.upload_param))}&filekey=fk1`;
    expect((await fetch(url, { method: 'POST', body: Buffer.alloc(16) })).status).toBe(400);
    const ok = await fetch(url, { method: 'POST', body: cipher });
    expect(ok.status).toBe(200);
    const param = ok.headers.get('x-encrypted-param');
    const down = await fetch(`${s.cdnBaseUrl}/download?encrypted_query_param=${encodeURIComponent(param ?? '')}`);
    const d = createDecipheriv('aes-128-ecb', key, null);
    const back = Buffer.concat([d.update(Buffer.from(await down.arrayBuffer())), d.final()]);
    expect(back.equals(plain)).toBe(true);
  });

  it('injects faults: 500, drop, rate limit', async () => {
    const { s, call } = await login();
    s.fault({ op: 'getconfig', kind: 'rate-limit' });
    expect(await call('getconfig', { ilink_user_id: 'u' })).toMatchObject({ ret: -2 });
    s.fault({ op: 'getconfig', kind: 'http-500' });
    await expect(call('getconfig', { ilink_user_id: 'u' })).rejects.toThrow();
    s.fault({ op: 'getconfig', kind: 'drop' });
    await expect(call('getconfig', { ilink_user_id: 'u' })).rejects.toThrow();
    expect(await call('getconfig', { ilink_user_id: 'u' })).toMatchObject({ ret: 0 });
  });

  it('expires an unscanned QR code after its lifetime', async () => {
    let now = 0;
    const s = await IlinkSimulator.start({ qrTtlMs: 60_000, qrPollMs: 10, now: () => now });
    sim = s;
    const qr = (await (
      await fetch(`${s.baseUrl}/ilink/bot/get_bot_qrcode?bot_type=3`, { method: 'POST', body: '{}' })
    ).json()) as {
      qrcode: string;
    };
    const fresh = (await (await fetch(`${s.baseUrl}/ilink/bot/get_qrcode_status?qrcode=${qr.qrcode}`)).json()) as {
      status: string;
    };
    expect(fresh.status).toBe('wait');
    now += 60_001;
    const st = (await (await fetch(`${s.baseUrl}/ilink/bot/get_qrcode_status?qrcode=${qr.qrcode}`)).json()) as {
      status: string;
    };
    expect(st.status).toBe('expired');
  });

  it('has an HTTP control API: say as a user, read what the bot sent', async () => {
    const { s, call } = await login({ quota: false });
    const said = await fetch(`${s.controlUrl}/say`, {
      method: 'POST',
      body: JSON.stringify({ from: 'u9@im.wechat', text: 'yo' }),
    });
    const { messageId } = (await said.json()) as { messageId: string };
    expect(messageId).toMatch(/^\d+$/);
    const contextToken = s.world.contexts.get('u9@im.wechat')?.tokens[0];
    expect(await call('sendmessage', text('u9@im.wechat', contextToken, 'back'))).toMatchObject({ ret: 0 });
    const sent = (await (await fetch(`${s.controlUrl}/sent`)).json()) as Record<string, unknown>[];
    expect(sent).toMatchObject([{ toUserId: 'u9@im.wechat', text: 'back' }]);
    // Context tokens are conversation credentials: not in HTTP answers.
    expect(sent[0]).not.toHaveProperty('contextToken');
    expect((await fetch(`${s.controlUrl}/say`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});
