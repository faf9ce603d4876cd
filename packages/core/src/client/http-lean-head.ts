/*
 * The request heads of directRequest: the header list both carriers send, and the lean carrier's whole
 * request (head and body) as the one string it writes.
 */

const ACCEPT = 'application/json, text/plain, */*';
const ENCODINGS = 'gzip, deflate';
const JSON_TYPE = 'application/json;charset=UTF-8';

/**
 * The request's headers as one flat `[name, value, …]` list: `host` (the Host header, when given) first,
 * then ours, the spec's, the body's and the jar's Cookie, a later one replacing an earlier one of the same
 * name (case-insensitive), as node's setHeader does.
 */
export function headerList(
  hostHeader: string | undefined,
  userAgent: string,
  extra: Readonly<Record<string, string>> | undefined,
  body: string | undefined,
  cookie: string,
): string[] {
  const list = hostHeader === undefined ? [] : ['Host', hostHeader];
  if (extra === undefined) {
    list.push('User-Agent', userAgent, 'Accept', ACCEPT, 'Accept-Encoding', ENCODINGS);
    if (body !== undefined) list.push('Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(body)));
    if (cookie !== '') list.push('Cookie', cookie);
    return list;
  }
  // Rare (login calls): the spec's headers sit between ours and the body's, replacing same-named ones.
  const byName = new Map<string, [string, string]>();
  const put = (k: string, v: string): void => {
    byName.delete(k.toLowerCase());
    byName.set(k.toLowerCase(), [k, v]);
  };
  for (let i = 0; i < list.length; i += 2) put(list[i]!, list[i + 1]!);
  put('User-Agent', userAgent);
  put('Accept', ACCEPT);
  put('Accept-Encoding', ENCODINGS);
  for (const k of Object.keys(extra)) put(k, extra[k]!);
  if (body !== undefined) {
    put('Content-Type', JSON_TYPE);
    put('Content-Length', String(Buffer.byteLength(body)));
  }
  if (cookie !== '') put('Cookie', cookie);
  return [...byName.values()].flat();
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What node's OutgoingMessage refuses in a header value (checkInvalidHeaderChar): CR, LF and other controls. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const NOT_ASCII = /[\u0080-\uffff]/;

/** node's errors for a header it will not send, so a bad header fails a request as it did through node:http. */
function checkHeader(name: string, value: string): void {
  if (!TOKEN.test(name))
    throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), {
      code: 'ERR_INVALID_HTTP_TOKEN',
    });
  if (INVALID_VALUE.test(value))
    throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), {
      code: 'ERR_INVALID_CHAR',
    });
}

/**
 * One request as the lean carrier writes it: request line, the headers node:http would send for it (the
 * same list, plus `Connection: keep-alive` as its keep-alive Agent adds) and the body, in one string, so the
 * request leaves in one write(2) (node:http writes head and body as two chunks through `writev`). A header
 * value with a byte above 0x7F (never ours) is sent as latin1, as node sends it: the head then goes as a
 * Buffer. Throws node's TypeError for a header it would refuse (CR/LF injection included).
 */
export function leanPayload(
  method: string,
  path: string,
  hostHeader: string,
  userAgent: string,
  extra: Readonly<Record<string, string>> | undefined,
  body: string | undefined,
  cookie: string,
): string | Buffer {
  let head: string;
  if (extra === undefined) {
    // The usual request, without a list: every value but the user agent and cookie is ours and plain.
    checkHeader('User-Agent', userAgent);
    head = `${method} ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: ${userAgent}\r\nAccept: ${ACCEPT}\r\nAccept-Encoding: ${ENCODINGS}\r\n`;
    if (body !== undefined) head += `Content-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    if (cookie !== '') {
      checkHeader('Cookie', cookie);
      head += `Cookie: ${cookie}\r\n`;
    }
    head += 'Connection: keep-alive\r\n\r\n';
  } else {
    if (!TOKEN.test(method))
      throw Object.assign(new TypeError(`Method must be a valid HTTP token ["${method}"]`), {
        code: 'ERR_INVALID_HTTP_TOKEN',
      });
    const list = headerList(hostHeader, userAgent, extra, body, cookie);
    head = `${method} ${path} HTTP/1.1\r\n`;
    let connection = false;
    for (let i = 0; i < list.length; i += 2) {
      const name = list[i]!;
      const value = list[i + 1]!;
      checkHeader(name, value);
      if (name.toLowerCase() === 'connection') connection = true;
      head += `${name}: ${value}\r\n`;
    }
    head += connection ? '\r\n' : 'Connection: keep-alive\r\n\r\n';
  }
  if (NOT_ASCII.test(head)) {
    const h = Buffer.from(head, 'latin1');
    return body === undefined ? h : Buffer.concat([h, Buffer.from(body, 'utf8')]);
  }
  return body === undefined ? head : head + body;
}
