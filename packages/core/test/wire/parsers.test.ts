import { deriveHosts } from '../../src/wire/hosts.js';
import { parseLoginPage } from '../../src/wire/login-xml.js';
import { parseLoginPoll, parseSyncCheck } from '../../src/wire/synccheck.js';
import { protectBigIds } from '../../src/client/http.js';

const L = 'https://login.wx.qq.com';

describe('deriveHosts', () => {
  it.each([
    [
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=t',
      'https://wx.qq.com',
      'https://file.wx.qq.com',
      'https://webpush.wx.qq.com',
    ],
    ['https://wx2.qq.com/cgi-bin/x', 'https://wx2.qq.com', 'https://file.wx2.qq.com', 'https://webpush.wx2.qq.com'],
    ['https://wx8.qq.com/cgi-bin/x', 'https://wx8.qq.com', 'https://file.wx8.qq.com', 'https://webpush.wx8.qq.com'],
    [
      'https://web.wechat.com/cgi-bin/x',
      'https://web.wechat.com',
      'https://file.web.wechat.com',
      'https://webpush.web.wechat.com',
    ],
    [
      'https://web2.wechat.com/cgi-bin/x',
      'https://web2.wechat.com',
      'https://file.web2.wechat.com',
      'https://webpush.web2.wechat.com',
    ],
    [
      'https://wx9.example.org/cgi-bin/x',
      'https://wx9.example.org',
      'https://file.wx9.example.org',
      'https://webpush.wx9.example.org',
    ],
    ['http://127.0.0.1:8080/cgi-bin/x', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:9/cgi-bin/x', 'http://localhost:9', 'http://localhost:9', 'http://localhost:9'],
  ])('%s', (uri, main, file, push) => {
    expect(deriveHosts(uri, L)).toEqual({ login: L, main, file, push });
  });

  it('overrides win and lose trailing slashes; garbage is a clear error', () => {
    expect(deriveHosts('https://wx2.qq.com/x', L, { push: 'http://proxy:1/' }).push).toBe('http://proxy:1');
    expect(() => deriveHosts('not a url', L)).toThrow(/redirect_uri is not a URL/);
    // Never with the input: a redirect_uri carries the login ticket.
    expect(() => deriveHosts('wx.qq.com/webwxnewloginpage?ticket=SECRET_TICKET', L)).toThrow(/^(?!.*SECRET_TICKET)/);
  });
});

describe('login page XML', () => {
  it('reads the credentials and keeps pass_ticket as sent', () => {
    const r = parseLoginPage(
      '<error><ret>0</ret><message></message><skey>@crypt_ab_12</skey><wxsid>Sid+1/x</wxsid><wxuin>12345</wxuin><pass_ticket>a%2Bb%3D</pass_ticket><isgrayscale>1</isgrayscale></error>',
    );
    expect(r).toEqual({
      ret: 0,
      message: '',
      skey: '@crypt_ab_12',
      sid: 'Sid+1/x',
      uin: 12345,
      passTicket: 'a%2Bb%3D',
      isGrayscale: true,
    });
  });
  it('returns ret 1203 with its message and rejects bodies without <ret>', () => {
    expect(parseLoginPage('<error><ret>1203</ret><message>当前登录环境异常</message></error>')).toMatchObject({
      ret: 1203,
      message: '当前登录环境异常',
    });
    expect(() => parseLoginPage('<html>oops</html>')).toThrow(/no <ret>/);
  });
});

describe('synccheck and login poll', () => {
  it('reads quoted and unquoted retcodes and selectors', () => {
    expect(parseSyncCheck('window.synccheck={retcode:"0",selector:"2"}')).toEqual({ retcode: 0, selector: 2 });
    expect(parseSyncCheck('window.synccheck={retcode:1101,selector:0}')).toEqual({ retcode: 1101, selector: 0 });
    expect(parseSyncCheck('window.synccheck = { retcode: "1102", selector: "0" };')).toEqual({
      retcode: 1102,
      selector: 0,
    });
    expect(() => parseSyncCheck('window.other=1')).toThrow(/synccheck/);
  });
  it('reads login poll codes, avatar and redirect', () => {
    expect(parseLoginPoll('window.code=408;')).toEqual({ code: 408 });
    expect(parseLoginPoll("window.code=201;window.userAvatar = 'data:img/jpg;base64,AAA';")).toEqual({
      code: 201,
      avatar: 'data:img/jpg;base64,AAA',
    });
    expect(
      parseLoginPoll(
        'window.code=200;\nwindow.redirect_uri="https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T@qrticket_0&uuid=U==&lang=zh_CN&scan=1";',
      ),
    ).toMatchObject({
      code: 200,
      redirectUri: expect.stringContaining('wx2.qq.com'),
    });
  });
});

describe('big ids', () => {
  it('keeps ids above 2^53 exact', () => {
    const parsed = JSON.parse(protectBigIds('{"MsgId":"1","NewMsgId":9007199254740993123,"x":1}')) as {
      NewMsgId: string;
    };
    expect(parsed.NewMsgId).toBe('9007199254740993123');
  });
});
