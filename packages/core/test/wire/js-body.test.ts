import { JsBodyError, parseJsAssignments, parseJsLogin } from '../../src/wire/js-body.js';

describe('parseJsLogin', () => {
  it('reads code and uuid from the real jslogin body', () => {
    expect(parseJsLogin('window.QRLogin.code = 200; window.QRLogin.uuid = "gf5Gk61zEA==";')).toEqual({
      code: 200,
      uuid: 'gf5Gk61zEA==',
    });
  });

  it('tolerates no spaces, single quotes, newlines and a missing final semicolon', () => {
    expect(parseJsLogin("window.QRLogin.code=200;\n  window.QRLogin.uuid='Ab_c-9=='")).toEqual({
      code: 200,
      uuid: 'Ab_c-9==',
    });
    expect(parseJsLogin('window.QRLogin.code = 200\nwindow.QRLogin.uuid = "x1=="\n')).toEqual({
      code: 200,
      uuid: 'x1==',
    });
  });

  it('accepts a non-200 code without a uuid (the caller decides what it means)', () => {
    expect(parseJsLogin('window.QRLogin.code = 400;')).toEqual({ code: 400, uuid: '' });
  });

  it('rejects garbage with an error naming the endpoint and quoting the body', () => {
    expect(() => parseJsLogin('<html>502 Bad Gateway</html>')).toThrow(JsBodyError);
    expect(() => parseJsLogin('<html>502 Bad Gateway</html>')).toThrow(/^jslogin: .*body starts: "<html>502/);
    expect(() => parseJsLogin('')).toThrow(/jslogin: empty body/);
    expect(() => parseJsLogin('window.QRLogin.code = 200;')).toThrow(/code 200 without window.QRLogin.uuid/);
    expect(() => parseJsLogin('window.QRLogin.uuid = "abc"')).toThrow(/missing window.QRLogin.code/);
    expect(() => parseJsLogin('window.QRLogin.uuid = "abc')).toThrow(/unterminated string/);
  });
});

describe('parseJsAssignments', () => {
  it('reads the login poll body with a redirect_uri', () => {
    const body =
      'window.code=200;\nwindow.redirect_uri="https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=A@qrticket_0&uuid=u==&lang=zh_CN&scan=1";';
    expect(parseJsAssignments(body, 'login')).toEqual({
      code: 200,
      redirect_uri:
        'https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=A@qrticket_0&uuid=u==&lang=zh_CN&scan=1',
    });
  });

  it('reads the synccheck object with unquoted keys', () => {
    expect(parseJsAssignments('window.synccheck={retcode:"0",selector:"2"}', 'synccheck')).toEqual({
      synccheck: { retcode: '0', selector: '2' },
    });
    expect(parseJsAssignments("window.synccheck={ retcode : 1101 , 'selector': '0' };")).toEqual({
      synccheck: { retcode: 1101, selector: '0' },
    });
  });
});
