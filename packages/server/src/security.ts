import { timingSafeEqual } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

import type { ResolvedApi } from './options.js';
import { isApiPath } from './routes/console.js';

/** Paths served without the token: a liveness probe says nothing about the account. */
const PUBLIC = new Set(['/healthz']);
/** GETs a browser makes without headers (EventSource, <img>) may carry the token as `access_token`. */
const QUERY_TOKEN = /^\/api\/(events|accounts\/[^/]+\/qr)$/;

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface Guard {
  /** Host names (with port) this server answers to; set once the port is known. */
  hosts: Set<string>;
  readonly origins: Set<string>;
}

/** The host:port names a request may carry in `Host`: loopback names, the listen address, the configured names. */
export function allowedHosts(api: ResolvedApi, port: number): Set<string> {
  const hosts = new Set<string>();
  const own = api.host.includes(':') ? `[${api.host}]` : api.host;
  for (const name of ['127.0.0.1', 'localhost', '[::1]', own]) hosts.add(`${name}:${port}`.toLowerCase());
  // A configured name may carry its own port (a reverse proxy's public name) or take ours.
  for (const name of api.allowedHosts) {
    hosts.add(name.toLowerCase());
    hosts.add(`${name}:${port}`.toLowerCase());
  }
  return hosts;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}

/**
 * Every request: Host must name this server (a DNS-rebinding page reaches 127.0.0.1 under its own
 * name), a browser's Origin must be this server or an allowed origin (no other page may drive the
 * API with the operator's cookies or token), and the bearer token must match.
 */
export function checkRequest(guard: Guard, token: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = request.headers.host;
    if (host === undefined || !guard.hosts.has(host.toLowerCase())) {
      await refuse(
        reply,
        421,
        'bad_host',
        `Host header ${JSON.stringify(host ?? '')} is not this server; use http://127.0.0.1:<port> (or add the name to api.allowedHosts)`,
      );
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host.toLowerCase()}` && !guard.origins.has(origin)) {
      await refuse(
        reply,
        403,
        'bad_origin',
        `Origin ${JSON.stringify(origin)} may not call this API; add it to api.allowedOrigins if it should`,
      );
      return;
    }
    const path = request.url.split('?')[0]!;
    if (PUBLIC.has(path)) return;
    // The console's files: a browser loading the page has no token yet (the Host check above still applies).
    if ((request.method === 'GET' || request.method === 'HEAD') && !isApiPath(path)) return;
    const header = request.headers.authorization;
    let given: string | undefined;
    if (header?.startsWith('Bearer ') === true) given = header.slice('Bearer '.length).trim();
    else if (request.method === 'GET' && QUERY_TOKEN.test(path)) {
      const q = (request.query as Record<string, unknown> | undefined)?.access_token;
      if (typeof q === 'string') given = q;
    }
    if (given === undefined || !sameToken(given, token)) {
      reply.header('www-authenticate', 'Bearer realm="wxbot"');
      await refuse(
        reply,
        401,
        'unauthorized',
        given === undefined
          ? 'missing token: send "Authorization: Bearer <token>" (the token is in <dataDir>/api-token unless api.token sets it)'
          : 'wrong token',
      );
    }
  };
}
