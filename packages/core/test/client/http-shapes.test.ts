import { buildUrl, responseHeaders } from '../../src/client/http-shapes.js';

/** What buildUrl wrote before it stopped building a URLSearchParams per request. */
function viaSearchParams(url: string, query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const qs = params.toString();
  return qs ? url + (url.includes('?') ? '&' : '?') + qs : url;
}

describe('buildUrl', () => {
  it.each([
    [{ sid: 'abc', skey: '@crypt_1a2b', pass_ticket: 'a%2Bb/c+d==', r: 1765000000000 }],
    [{ synckey: '1_700000001|2_700000002|3_700000003', _: 12, deviceid: 'e123', uin: 123, lang: 'zh_CN' }],
    [{ q: "it's (really) ~fine! *.-_ 你好 a b&c=d#e?f", flag: true, gone: undefined }],
    [{ lone: 'x\uD800y', pair: '😀' }],
    // Every ASCII character alone, beside plain text, and in names: the plain, encoded and escaped paths.
    [Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`k${i}`, `${String.fromCharCode(i)}a`]))],
    [Object.fromEntries(Array.from({ length: 128 }, (_, i) => [String.fromCharCode(i), i]))],
    [{}],
  ])('encodes %j exactly as URLSearchParams', (query) => {
    for (const url of ['http://127.0.0.1:1/cgi-bin/mmwebwx-bin/webwxsync', 'https://wx.qq.com/x?lang=en'])
      expect(buildUrl(url, query)).toBe(viaSearchParams(url, query));
  });

  it('leaves the URL alone without a query', () => {
    expect(buildUrl('http://h/x')).toBe('http://h/x');
  });
});

describe('responseHeaders', () => {
  it('reads case-insensitively, joins repeated headers, and misses as null', () => {
    const h = responseHeaders({ 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'x-n': 3 });
    expect(h.get('Content-Type')).toBe('text/plain');
    expect(h.get('set-cookie')).toBe('a=1, b=2');
    expect(h.get('x-n')).toBe('3');
    expect(h.get('location')).toBeNull();
  });
});
