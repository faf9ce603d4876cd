import { setTimeout as sleep } from 'node:timers/promises';

import { CookieJar } from 'tough-cookie';

import { JarCookies } from '../../src/client/cookies.js';

const BASE = 'https://wx.qq.com/cgi-bin/mmwebwx-bin';

function setup(): JarCookies {
  return new JarCookies(new CookieJar());
}

describe('JarCookies', () => {
  it('sends the cookies that match the URL (domain, path, Secure), never those that do not', () => {
    const cookies = setup();
    cookies.save(`${BASE}/webwxnewloginpage`, [
      'wxsid=SID; Path=/',
      'wxuin=123; Domain=.qq.com; Path=/',
      'webwx_data_ticket=TICKET; Domain=.qq.com; Path=/; Secure',
      'only_here=1; Path=/cgi-bin/mmwebwx-bin/webwxgetmsgimg',
    ]);
    expect(cookies.header(`${BASE}/webwxsync?sid=x`)).toBe('wxsid=SID; wxuin=123; webwx_data_ticket=TICKET');
    expect(cookies.header('http://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsync')).toBe('wxsid=SID; wxuin=123');
    expect(cookies.header('https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia')).toBe(
      'wxuin=123; webwx_data_ticket=TICKET',
    );
    expect(cookies.header('https://example.com/')).toBe('');
    expect(cookies.header(`${BASE}/webwxgetmsgimg?MsgID=1`)).toContain('only_here=1');
  });

  it('accepts one Set-Cookie string, ignores undefined, empty and invalid values', () => {
    const cookies = setup();
    cookies.save(`${BASE}/x`, 'a=1; Path=/');
    cookies.save(`${BASE}/x`, undefined);
    cookies.save(`${BASE}/x`, []);
    cookies.save(`${BASE}/x`, ['b=2; Domain=evil.example; Path=/', '=']);
    expect(cookies.header(`${BASE}/x`)).toBe('a=1');
  });

  it('sees a Set-Cookie at once: a changed or deleted cookie is never served from the remembered header', () => {
    const cookies = setup();
    cookies.save(`${BASE}/a`, 'pass=old; Path=/');
    expect(cookies.header(`${BASE}/b`)).toBe('pass=old');
    cookies.save(`${BASE}/a`, 'pass=new; Path=/');
    expect(cookies.header(`${BASE}/b`)).toBe('pass=new');
    cookies.save(`${BASE}/a`, 'pass=gone; Path=/; Max-Age=0');
    expect(cookies.header(`${BASE}/b`)).toBe('');
  });

  it('drops a cookie from the header once it expires, although the jar did not change', async () => {
    const cookies = setup();
    cookies.save(`${BASE}/a`, ['short=1; Path=/; Max-Age=1', 'session=2; Path=/']);
    expect(cookies.header(`${BASE}/b`)).toBe('short=1; session=2');
    // Max-Age counts whole seconds; the jar reads the real clock, so wait the second out.
    await sleep(1_100);
    expect(cookies.header(`${BASE}/b`)).toBe('session=2');
  });

  it('reads cookies written into the jar by whoever built it (a restored session)', () => {
    const jar = new CookieJar();
    jar.setCookieSync('wxsid=RESTORED; Path=/', `${BASE}/`);
    expect(new JarCookies(jar).header(`${BASE}/webwxsync`)).toBe('wxsid=RESTORED');
  });
});
