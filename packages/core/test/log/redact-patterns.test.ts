/**
 * Each pattern of log/redact.ts, one secret name and one form at a time, with
 * exact outputs: what `pnpm test:mutation redact` runs (fast, no simulator).
 * The end-to-end checks, a real login and a plugin logging everything, are in
 * redact.test.ts.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import {
  CENSOR,
  censorValue,
  REDACT,
  REDACT_HOOKS,
  REDACT_PATHS,
  redactHeaders,
  redactText,
  redactUrl,
} from '../../src/log/redact.js';

const R = CENSOR;

describe('redactUrl: secret query and form parameters', () => {
  it.each([
    'skey',
    'sid',
    'wxsid',
    'uin',
    'wxuin',
    'pass_ticket',
    'ticket',
    'webwx_data_ticket',
    'webwx_auth_ticket',
    'wxloadtime',
    'mm_lang',
    'deviceid',
    'uuid',
    'fromuser',
    'chatroomid',
    'qrticket',
  ])('censors %s wherever it stands in a query, keeping the rest', (name) => {
    expect(redactUrl(`https://h/p?${name}=S3CRET&r=1`)).toBe(`https://h/p?${name}=${R}&r=1`);
    expect(redactUrl(`https://h/p?r=1&${name}=S3CRET`)).toBe(`https://h/p?r=1&${name}=${R}`);
    expect(redactUrl(`${name}=S3CRET;x=1`)).toBe(`${name}=${R};x=1`);
    expect(redactUrl(`a=1;${name.toUpperCase()}=S3CRET`)).toBe(`a=1;${name.toUpperCase()}=${R}`);
  });

  it('ends the value at &, #, ;, space, quotes and a backslash (a JSON-escaped quote keeps its escape)', () => {
    expect(redactUrl('?skey=a&b=1')).toBe(`?skey=${R}&b=1`);
    expect(redactUrl('?skey=a#frag')).toBe(`?skey=${R}#frag`);
    expect(redactUrl('?skey=a;b')).toBe(`?skey=${R};b`);
    expect(redactUrl('?skey=a b')).toBe(`?skey=${R} b`);
    expect(redactUrl('"?skey=a"')).toBe(`"?skey=${R}"`);
    expect(redactUrl("'?skey=a'")).toBe(`'?skey=${R}'`);
    expect(redactUrl('{\\"u\\":\\"?skey=a\\"}')).toBe(`{\\"u\\":\\"?skey=${R}\\"}`);
    expect(redactUrl('?sid=1&sid=2')).toBe(`?sid=${R}&sid=${R}`);
  });

  it('leaves other parameters and names that merely end like a secret alone', () => {
    expect(redactUrl('https://h/p?r=1&myskey=2&lang=zh_CN&seq=3')).toBe('https://h/p?r=1&myskey=2&lang=zh_CN&seq=3');
    expect(redactUrl('?skey=&r=1')).toBe(`?skey=${R}&r=1`);
  });
});

describe('redactText', () => {
  it.each(['skey', 'wxsid', 'wxuin', 'pass_ticket', 'ticket'])('censors the login XML element <%s>', (tag) => {
    expect(redactText(`<error><ret>0</ret><${tag}>v@a/b</${tag}></error>`)).toBe(
      `<error><ret>0</ret><${tag}>${R}</${tag}></error>`,
    );
    expect(redactText(`<${tag.toUpperCase()}>v</${tag.toUpperCase()}>`)).toBe(
      `<${tag.toUpperCase()}>${R}</${tag.toUpperCase()}>`,
    );
  });

  it('leaves other XML elements and mismatched tags alone', () => {
    expect(redactText('<ret>0</ret><message>ok</message>')).toBe('<ret>0</ret><message>ok</message>');
    expect(redactText('<skey>a</wxsid>')).toBe('<skey>a</wxsid>');
  });

  const jsonKeys = [
    'Skey',
    'Sid',
    'Uin',
    'SKey',
    'DeviceID',
    'Ticket',
    'VerifyUserTicket',
    'pass_ticket',
    'passTicket',
    'skey',
    'sid',
    'uin',
    'ticket',
    'OwnerUin',
    'EncryChatRoomId',
    'uuid',
    'Uuid',
    'authTicket',
    'dataTicket',
    'loginTicket',
    'bot_token',
    'botToken',
    'context_token',
    'contextToken',
    'qrcode',
    'qrcode_img_content',
    'Authorization',
    'authorization',
    'aes_key',
    'aeskey',
    'encrypt_query_param',
  ];

  it.each(jsonKeys)('censors the JSON field "%s" (string or number), plain, escaped and inspected', (key) => {
    expect(redactText(`{"${key}":"v1","NickName":"Bob"}`)).toBe(`{"${key}":"${R}","NickName":"Bob"}`);
    expect(redactText(`{"${key}" : -42,"n":1}`)).toBe(`{"${key}" : "${R}","n":1}`);
    expect(redactText(`{"${key}":"a\\"b","n":1}`)).toBe(`{"${key}":"${R}","n":1}`);
    expect(redactText(`{\\"${key}\\":\\"v1\\",\\"n\\":1}`)).toBe(`{\\"${key}\\":\\"${R}\\",\\"n\\":1}`);
    expect(redactText(`{\\"${key}\\": 77,\\"n\\":1}`)).toBe(`{\\"${key}\\": \\"${R}\\",\\"n\\":1}`);
    expect(redactText(`{ ${key}: 'v1', NickName: 'Bob' }`)).toBe(`{ ${key}: '${R}', NickName: 'Bob' }`);
    expect(redactText(`{ ${key}: 2100000001, n: 1 }`)).toBe(`{ ${key}: '${R}', n: 1 }`);
    expect(redactText(`{ ${key}: 'it\\'s', n: 1 }`)).toBe(`{ ${key}: '${R}', n: 1 }`);
  });

  it('censors every JSON, escaped-JSON and inspected field in a line, not just the first', () => {
    expect(redactText('{"Uin":1,"Sid":"a","Skey":"b"}')).toBe(`{"Uin":"${R}","Sid":"${R}","Skey":"${R}"}`);
    expect(redactText('{\\"Uin\\":1,\\"Sid\\":\\"a\\"}')).toBe(`{\\"Uin\\":\\"${R}\\",\\"Sid\\":\\"${R}\\"}`);
    expect(redactText("{ Uin: 1, Sid: 'a' }")).toBe(`{ Uin: '${R}', Sid: '${R}' }`);
  });

  it('leaves JSON fields that are not secrets, and look-alike keys, alone', () => {
    const text = '{"NickName":"Bob","MsgType":1,"XSkey":"k","Uins":2} { MsgId: \'1\', xUin: 3 }';
    expect(redactText(text)).toBe(text);
  });

  it.each([
    'webwx_data_ticket',
    'webwx_auth_ticket',
    'wxsid',
    'wxuin',
    'wxloadtime',
    'webwxuvid',
    'mm_lang',
    'pass_ticket',
    'skey',
  ])('censors the cookie %s in a cookie string, up to ; or ,', (name) => {
    expect(redactText(`a=1; ${name}=V4lue; b=2`)).toBe(`a=1; ${name}=${R}; b=2`);
    expect(redactText(`x ${name}=V4lue, y`)).toBe(`x ${name}=${R}, y`);
    expect(redactText(`"${name}=V4lue"`)).toBe(`"${name}=${R}"`);
  });

  it('censors the auth-ticket cookie of a Set-Cookie line and keeps its attributes', () => {
    expect(redactText('webwx_auth_ticket=AUTHT1CKET; Domain=wx.qq.com; Path=/')).toBe(
      `webwx_auth_ticket=${R}; Domain=wx.qq.com; Path=/`,
    );
    expect(redactText('Set-Cookie: webwxuvid=UV1D; Expires=Thu')).toBe(`Set-Cookie: webwxuvid=${R}; Expires=Thu`);
  });

  it.each([
    ['https://login.weixin.qq.com/l/4dcaWx3uBw==', `https://login.weixin.qq.com/l/${R}`],
    ['https://login.weixin.qq.com/qrcode/Ab-cd_EF0g==?t=1', `https://login.weixin.qq.com/qrcode/${R}?t=1`],
    ['GET /qrcode/QR1D#x 200', `GET /qrcode/${R}#x 200`],
    ['"/l/QR1D"', `"/l/${R}"`],
    ['/l/QR1D/more', `/l/${R}/more`],
  ])('censors the QR uuid in %s', (text, out) => {
    expect(redactText(text)).toBe(out);
  });

  it('leaves other paths alone', () => {
    expect(redactText('/lib/l.js /cgi-bin/mmwebwx-bin/webwxinit /ll/x /qrcodes/x')).toBe(
      '/lib/l.js /cgi-bin/mmwebwx-bin/webwxinit /ll/x /qrcodes/x',
    );
  });

  const attrs = ['ticket', 'antispamticket', 'qrticket', 'encryptusername', 'fromuser', 'chatroomid'];
  it.each(attrs)('censors the XML attribute %s however the XML is quoted or escaped', (name) => {
    expect(redactText(`<msg ${name}="T1" opcode="2"/>`)).toBe(`<msg ${name}="${R}" opcode="2"/>`);
    expect(redactText(`<msg ${name}='T1' opcode='2'/>`)).toBe(`<msg ${name}='${R}' opcode='2'/>`);
    expect(redactText(`{"c":"<msg ${name}=\\"T1\\" n=\\"1\\"/>"}`)).toBe(`{"c":"<msg ${name}=\\"${R}\\" n=\\"1\\"/>"}`);
    expect(redactText(`&lt;msg ${name}=&quot;T1&quot; n=&quot;1&quot;/&gt;`)).toBe(
      `&lt;msg ${name}=&quot;${R}&quot; n=&quot;1&quot;/&gt;`,
    );
    expect(redactText(`a ${name}=&amp;amp;quot;T1&amp;amp;quot; x`)).toBe(
      `a ${name}=&amp;amp;quot;${R}&amp;amp;quot; x`,
    );
    expect(redactText(`<msg ${name.toUpperCase()}="T1"/>`)).toBe(`<msg ${name.toUpperCase()}="${R}"/>`);
  });

  it('leaves attributes that only end like a secret alone', () => {
    expect(redactText('<msg myticket="a" sourceusername="b"/>')).toBe('<msg myticket="a" sourceusername="b"/>');
  });

  it.each([
    ['v1_0c0c0c0c@stranger', R],
    ['v1_0c0c0c0c%40stranger', R],
    ['v3_020b3826fd03-0100', R],
    ['v4_000b708f0b04', R],
    ['abcdef0123@stranger', R],
    ['abc-def%40stranger', R],
    ['AbCdEf-_12@qrticket_0', R],
    ['AbCdEf@qrticket_17', R],
    ['@crypt_8d2c_ffee-00', R],
    ['%40crypt_8d2c', R],
  ])('censors the opaque id %s whole', (id, out) => {
    expect(redactText(`from ${id} said`)).toBe(`from ${out} said`);
  });

  it('censors the account stable id uin:<digits>, and only that', () => {
    expect(redactText('sender uin:2891234567 x')).toBe(`sender uin:${R} x`);
    expect(redactText('{"stableId":"uin:42"}')).toBe(`{"stableId":"uin:${R}"}`);
    expect(redactText('wuin:42 uin:abc dev2_x @stranger2 crypt_x')).toBe('wuin:42 uin:abc dev2_x @stranger2 crypt_x');
  });
});

describe('redactHeaders', () => {
  it('censors every credential header whatever its case, drops undefined, redacts the rest', () => {
    expect(
      redactHeaders({
        Cookie: 'wxsid=a',
        'SET-COOKIE': ['wxuin=1', 'x=2'],
        authorization: 'Bearer t',
        'Proxy-Authorization': 'Basic u',
        extspam: 'blob',
        Referer: 'https://h/?skey=k&r=1',
        'X-Multi': ['https://h/?sid=s', 'plain'],
        'X-Gone': undefined,
      }),
    ).toEqual({
      Cookie: R,
      'SET-COOKIE': R,
      authorization: R,
      'Proxy-Authorization': R,
      extspam: R,
      Referer: `https://h/?skey=${R}&r=1`,
      'X-Multi': [`https://h/?sid=${R}`, 'plain'],
    });
  });
});

describe('REDACT (pino redact paths, the first net)', () => {
  /** A pino logger with only the paths (no line hook), so each path is checked on its own. */
  function logged(obj: object): string {
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    pino({ redact: REDACT }, stream).info(obj, 'x');
    return out;
  }

  /** Builds `{ a: { b: secret } }` for path `a.b`; `*` becomes a key of its own. */
  function at(path: string, secret: string): object {
    const keys = path
      .replace(/\["([^"]+)"\]/g, '.$1')
      .split('.')
      .map((k) => (k === '*' ? 'any' : k));
    return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), secret) as object;
  }

  it.each(REDACT_PATHS)('censors the value at %s', (path) => {
    // An avatar URL keeps its path and loses its skey; anything else is replaced whole.
    const avatar = path.endsWith('HeadImgUrl');
    const out = logged(at(path, avatar ? '/i?seq=1&skey=PATHSECRET' : 'PATHSECRET'));
    expect(out).not.toContain('PATHSECRET');
    expect(out).toContain(avatar ? `/i?seq=1&skey=${R}` : `"${R}"`);
  });

  it('covers the fields the issue names, at the depths plugins log them', () => {
    const paths = new Set(REDACT_PATHS);
    for (const p of ['uuid', 'OwnerUin', '*.*.request.ticket', '*.raw.RecommendInfo.Ticket', 'headers["set-cookie"]'])
      expect(paths.has(p)).toBe(true);
    const out = logged({ ctx: { event: { request: { ticket: 'DEEPTICKET' } } }, msg: { raw: { OwnerUin: 7 } } });
    expect(out).not.toContain('DEEPTICKET');
    expect(out).not.toMatch(/"OwnerUin":7/);
  });

  it('keeps an avatar URL but censors its skey; every other path gets the censor', () => {
    expect(censorValue('/cgi-bin/webwxgeticon?seq=1&skey=@crypt_k', ['c', 'HeadImgUrl'])).toBe(
      `/cgi-bin/webwxgeticon?seq=1&skey=${R}`,
    );
    expect(censorValue(42, ['HeadImgUrl'])).toBe(R);
    expect(censorValue('https://h/?r=1', ['skey'])).toBe(R);
    expect(REDACT.censor).toBe(censorValue);
    expect(R).toBe('[redacted]');
    expect(logged({ raw: { HeadImgUrl: '/i?seq=2&skey=SK' } })).toContain(`"HeadImgUrl":"/i?seq=2&skey=${R}"`);
  });
});

describe('REDACT_HOOKS (the last net, on every written line)', () => {
  it('runs each written line through redactText', () => {
    expect(REDACT_HOOKS.streamWrite).toBe(redactText);
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    pino({ hooks: REDACT_HOOKS }, stream).info({ deep: { a: { b: { c: 'x?skey=HOOKSECRET' } } } }, 'm');
    expect(out).not.toContain('HOOKSECRET');
    expect(out).toContain(`skey=${R}`);
  });
});
