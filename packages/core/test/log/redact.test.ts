import { redactHeaders, redactText, redactUrl } from '../../src/log/redact.js';
import { captureLogger, newClient, startSim, tempDir, waitFor } from '../client/helpers.js';

describe('redaction', () => {
  it('censors secret query parameters, XML, JSON and cookie values', () => {
    expect(redactUrl('http://h/x?skey=%40crypt_1&sid=abc&r=1&pass_ticket=p%2B&uin=42')).toBe(
      'http://h/x?skey=[redacted]&sid=[redacted]&r=1&pass_ticket=[redacted]&uin=[redacted]',
    );
    expect(redactText('<skey>@crypt_x</skey><wxsid>s</wxsid><ret>0</ret>')).toBe(
      '<skey>[redacted]</skey><wxsid>[redacted]</wxsid><ret>0</ret>',
    );
    expect(redactText('{"Uin":123,"Sid":"s1","Skey":"k"}')).toBe(
      '{"Uin":"[redacted]","Sid":"[redacted]","Skey":"[redacted]"}',
    );
    expect(redactText('webwx_data_ticket=abc; wxsid=x')).toBe('webwx_data_ticket=[redacted]; wxsid=[redacted]');
    expect(redactHeaders({ Cookie: 'a=b', 'set-cookie': ['x'], Referer: 'http://h/?skey=1' })).toEqual({
      Cookie: '[redacted]',
      'set-cookie': '[redacted]',
      Referer: 'http://h/?skey=[redacted]',
    });
  });

  it('no secret reaches the log at debug level during login, sync, send, upload and download', async () => {
    const sim = await startSim();
    const tmp = tempDir();
    try {
      const { logger, lines } = captureLogger('trace');
      const client = newClient(sim, tmp.dir, { logger });
      const got: string[] = [];
      client.setMessageHandler(async (m) => {
        got.push(m.raw.MsgId);
      });
      await client.start();
      sim.say({ from: 'wxid_alice', text: 'hi' });
      await waitFor(() => got.length > 0, 'message');
      await client.sendImage(sim.userNameOf('wxid_bob'), Buffer.from('img'), 'a.jpg');
      await client.stop();
      const s = sim.session!;
      const out = lines.join('\n');
      expect(lines.length).toBeGreaterThan(10);
      expect(out).toContain('"account":"bot"');
      expect(out).toContain('webwxsync');
      for (const secret of [
        s.skey,
        s.sid,
        s.passTicket,
        s.dataTicket,
        encodeURIComponent(s.skey),
        encodeURIComponent(s.passTicket),
      ]) {
        expect(out).not.toContain(secret);
      }
      expect(out).not.toContain(`uin=${s.uin}`);
    } finally {
      await sim.close();
      tmp.cleanup();
    }
  });
});

describe("the bot's logger", () => {
  it('censors secrets at any depth in what is written (a plugin logging a whole context)', async () => {
    const { createLogger } = await import('../../src/bot/logger.js');
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', pretty: false }, {
      write: (line: string) => {
        lines.push(line);
        return true;
      },
    } as unknown as NodeJS.WritableStream);
    const deep = {
      ctx: {
        event: {
          request: { ticket: 'v1_deep_ticket', nickName: 'Carol' },
          contacts: { self: { raw: { HeadImgUrl: '/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&skey=@crypt_deep_skey' } } },
          wire: { RecommendInfo: { Ticket: 'v2_deep_ticket' }, Cookie: 'wxsid=deep_sid; webwx_data_ticket=deep_dt' },
        },
      },
    };
    logger.child({ plugin: 'chatty' }).info(deep, 'a whole context');
    const out = lines.join('');
    expect(out).toContain('a whole context');
    expect(out).toContain('Carol');
    for (const secret of ['v1_deep_ticket', 'v2_deep_ticket', '@crypt_deep_skey', 'deep_sid', 'deep_dt']) {
      expect(out).not.toContain(secret);
    }
  });

  it('keeps every written line valid JSON while censoring URLs, cookie strings and JSON held in strings', async () => {
    const { createLogger } = await import('../../src/bot/logger.js');
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', pretty: false }, {
      write: (line: string) => {
        lines.push(line);
        return true;
      },
    } as unknown as NodeJS.WritableStream);
    logger.debug(
      {
        url: 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsync?sid=SIDSECRET&skey=@crypt_SKEYSECRET&pass_ticket=PTSECRET&r=1',
        status: 200,
        cookie: 'wxsid=COOKIESID; webwx_data_ticket=DTSECRET',
        body: JSON.stringify({ BaseRequest: { Uin: 12345678, Sid: 'BODYSID', Skey: '@crypt_BODYSKEY' }, Msg: 'hi' }),
        deep: { a: { b: { passTicket: 'DEEPPT' } } },
        sender: { stableId: 'uin:2891234567' },
      },
      'http',
    );
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed['status']).toBe(200);
    expect(parsed['url']).toContain('&r=1');
    expect(JSON.parse(parsed['body'] as string)).toMatchObject({ Msg: 'hi' });
    for (const secret of [
      'SIDSECRET',
      'SKEYSECRET',
      'PTSECRET',
      'COOKIESID',
      'DTSECRET',
      'BODYSID',
      'BODYSKEY',
      '12345678',
      'DEEPPT',
      '2891234567',
    ])
      expect(lines[0]).not.toContain(secret);
  });
});
