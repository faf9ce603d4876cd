import { urlToHttpOptions } from 'node:url';

import { abortError, requestTarget } from '../../src/client/http-target.js';

/** What node:http would do with the URL string: `urlToHttpOptions(new URL(url))`. */
function viaNode(url: string): { protocol: string; hostname: string; port?: number; path: string } {
  const o = urlToHttpOptions(new URL(url));
  const port = o.port === undefined || o.port === '' ? undefined : Number(o.port);
  return {
    protocol: o.protocol ?? '',
    hostname: o.hostname ?? '',
    ...(port === undefined ? {} : { port }),
    path: o.path ?? '',
  };
}

describe('requestTarget', () => {
  it.each([
    'http://127.0.0.1:40123/cgi-bin/mmwebwx-bin/webwxsync?sid=abc&skey=%40crypt_1&pass_ticket=a%252Bb',
    'https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg?lang=zh_CN&pass_ticket=x',
    'https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1765000000000&synckey=1_2%7C3_4&_=1',
    'http://[::1]:8080/a/b?c=d',
    'http://Example.COM:80/x',
    'https://example.com',
  ])('gives what node:http would parse from %s', (url) => {
    expect(requestTarget(url)).toEqual(viaNode(url));
  });

  it.each([
    'http://example.com/a b',
    'http://example.com/ä',
    'http://example.com/a/../b',
    'http://example.com/a/./b',
    'http://example.com/a#frag',
    'http://user:pw@example.com/a',
    'http://example.com/a\\b',
    'ftp://example.com/a',
    'HTTP://example.com/x',
    'http://localhost:3000/?',
    'not a url',
  ])('leaves %s to the URL parser (undefined)', (url) => {
    expect(requestTarget(url)).toBeUndefined();
  });
});

describe('abortError', () => {
  it("is node's AbortError: same name, message and code", () => {
    const err = abortError();
    expect(err).toBeInstanceOf(Error);
    expect({ name: err.name, message: err.message, code: (err as Error & { code?: string }).code }).toEqual({
      name: 'AbortError',
      message: 'The operation was aborted',
      code: 'ABORT_ERR',
    });
  });
});
