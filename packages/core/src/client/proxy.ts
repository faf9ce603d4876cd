import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/**
 * `account.proxy`: a proxy URL for every request, `false` to ignore the
 * environment, or undefined to read HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
 */
export type ProxyOption = string | false | undefined;

/** Which proxy each scheme goes through, and the hosts that go direct. */
export interface ProxyRoutes {
  readonly http: URL | undefined;
  readonly https: URL | undefined;
  /** NO_PROXY entries, lower-cased (`*`, `host`, `.domain`, `host:port`). */
  readonly noProxy: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Lower-case first, as curl reads them; an empty value counts as unset. */
function envValue(env: Env, name: string): { name: string; value: string } | undefined {
  for (const n of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[n]?.trim();
    if (value) return { name: n, value };
  }
  return undefined;
}

/** Parses a proxy URL; `host:port` without a scheme means http (as curl reads it). */
export function parseProxyUrl(value: string, where: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${where} is not a proxy URL (expected http://host:port or http://user:pass@host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `${where} uses ${url.protocol}// proxies, which are not supported (use an http:// or https:// proxy)`,
    );
  }
  return url;
}

/**
 * Resolves the proxy settings: an explicit `option` wins (NO_PROXY still
 * applies), `false` turns proxies off, otherwise the environment decides.
 * Undefined when no request goes through a proxy. Throws on an unusable URL,
 * naming the variable or option it came from.
 */
export function proxyRoutes(option: ProxyOption, env: Env = process.env): ProxyRoutes | undefined {
  if (option === false) return undefined;
  const noProxy = (envValue(env, 'no_proxy')?.value ?? '')
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  if (option !== undefined) {
    const url = parseProxyUrl(option, 'account.proxy');
    return { http: url, https: url, noProxy };
  }
  const https = envValue(env, 'https_proxy');
  const http = envValue(env, 'http_proxy');
  if (https === undefined && http === undefined) return undefined;
  return {
    http: http === undefined ? undefined : parseProxyUrl(http.value, http.name),
    https: https === undefined ? undefined : parseProxyUrl(https.value, https.name),
    noProxy,
  };
}

/** Whether NO_PROXY sends this host direct. */
export function bypassesProxy(hostname: string, port: number, noProxy: readonly string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    // `host:port` and `[v6]:port` name one port; a bare IPv6 address has several colons.
    let name = entry;
    let only: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed !== null) [, name = entry, only] = bracketed;
    else if (entry.split(':').length === 2) [name = entry, only] = entry.split(':');
    if (only !== undefined && only !== '' && Number(only) !== port) return false;
    name = name.replace(/^\*?\./, '.');
    if (name.startsWith('.')) return host.endsWith(name) || host === name.slice(1);
    return host === name || host.endsWith(`.${name}`);
  });
}

/** The proxy a request to this target goes through, if any. */
export function proxyFor(
  routes: ProxyRoutes,
  protocol: 'http:' | 'https:',
  hostname: string,
  port: number,
): URL | undefined {
  const proxy = protocol === 'https:' ? routes.https : routes.http;
  if (proxy === undefined || bypassesProxy(hostname, port, routes.noProxy)) return undefined;
  return proxy;
}

/** A proxy URL fit for logs and errors: credentials masked. */
export function redactProxyUrl(url: URL): string {
  const auth = url.username !== '' || url.password !== '' ? '***@' : '';
  return `${url.protocol}//${auth}${url.host}`;
}

function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  const pair = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

function proxyPort(proxy: URL): number {
  return proxy.port === '' ? (proxy.protocol === 'https:' ? 443 : 80) : Number(proxy.port);
}

/** Opens a plain (or, for https:// proxies, TLS) connection to the proxy itself. */
function connectToProxy(proxy: URL): Socket {
  const host = proxy.hostname.replace(/^\[|\]$/g, '');
  const port = proxyPort(proxy);
  return proxy.protocol === 'https:'
    ? tlsConnect({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}) })
    : netConnect({ host, port });
}

const VIA = Symbol('wxbot.proxy');
type Proxied = ClientRequestArgs & { [VIA]?: URL };
type Callback = (err: Error | null, stream: Duplex) => void;
type AddRequest = (this: HttpAgent, req: ClientRequest, options: ClientRequestArgs) => void;

const httpAddRequest = (HttpAgent.prototype as unknown as { addRequest: AddRequest }).addRequest;

/**
 * Plain-http requests through a forward proxy: the connection goes to the
 * proxy and the request line carries the absolute URL (`GET http://host/path`).
 */
class ForwardProxyAgent extends HttpAgent {
  constructor(private readonly routes: ProxyRoutes) {
    super({ keepAlive: true });
  }

  addRequest(req: ClientRequest, options: ClientRequestArgs): void {
    const host = options.host ?? 'localhost';
    const port = Number(options.port ?? 80);
    const proxy = proxyFor(this.routes, 'http:', host, port);
    if (proxy !== undefined && !req.headersSent) {
      const hostHeader = req.getHeader('host');
      const authority =
        typeof hostHeader === 'string' ? hostHeader : `${host.includes(':') ? `[${host}]` : host}:${port}`;
      req.path = new URL(req.path, `http://${authority}`).href;
      const auth = proxyAuthorization(proxy);
      if (auth !== undefined) req.setHeader('Proxy-Authorization', auth);
    }
    httpAddRequest.call(this, req, proxy === undefined ? options : ({ ...options, [VIA]: proxy } as Proxied));
  }

  override createConnection(options: Proxied, cb?: Callback): Duplex | null | undefined {
    const proxy = options[VIA];
    return proxy === undefined ? super.createConnection(options, cb) : connectToProxy(proxy);
  }
}

/** https requests through a proxy: a CONNECT tunnel, then TLS to the real host inside it. */
class TunnelProxyAgent extends HttpsAgent {
  private readonly pending = new Set<ClientRequest>();

  constructor(private readonly routes: ProxyRoutes) {
    super({ keepAlive: true });
  }

  override createConnection(options: RequestOptions, cb?: Callback): Duplex | null | undefined {
    const host = options.host ?? 'localhost';
    const port = Number(options.port ?? 443);
    const proxy = proxyFor(this.routes, 'https:', host, port);
    if (proxy === undefined || cb === undefined) return super.createConnection(options, cb);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const auth = proxyAuthorization(proxy);
    const connect = (proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxyPort(proxy),
      method: 'CONNECT',
      path: target,
      headers: { Host: target, ...(auth === undefined ? {} : { 'Proxy-Authorization': auth }) },
      agent: false,
    });
    this.pending.add(connect);
    let settled = false;
    const settle = (err: Error | null, socket?: Duplex) => {
      this.pending.delete(connect);
      if (settled) return;
      settled = true;
      // Node's agent reads only the error when there is one; its typings want a stream regardless.
      cb(err, socket as Duplex);
    };
    connect.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        settle(new Error(`the proxy ${redactProxyUrl(proxy)} refused CONNECT ${target} (HTTP ${res.statusCode})`));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
      const tls: ConnectionOptions = { ...(options as ConnectionOptions), socket };
      if (servername === undefined) delete tls.servername;
      else tls.servername = servername;
      settle(null, tlsConnect(tls));
    });
    connect.once('error', (err) => {
      settle(err);
    });
    connect.end();
    return undefined;
  }

  override destroy(): void {
    for (const c of this.pending) c.destroy();
    this.pending.clear();
    super.destroy();
  }
}

/** Keep-alive agents that send each request through its proxy (or direct, per NO_PROXY). */
export function proxyAgents(routes: ProxyRoutes): { http: HttpAgent; https: HttpsAgent } {
  return { http: new ForwardProxyAgent(routes), https: new TunnelProxyAgent(routes) };
}
