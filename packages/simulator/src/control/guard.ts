/**
 * The control API drives the whole simulated world, so it answers only what a
 * local tool sends on purpose — never what a web page open in a browser can
 * make the browser send:
 * - `Host` must name the loopback interface (or the address the request came
 *   in on): a DNS-rebinding page reaches 127.0.0.1 under its own host name;
 * - `Origin`, when present (browsers send it on cross-origin and on POST
 *   requests), must be this very host;
 * - POST and PUT must say `Content-Type: application/json`: the types a page
 *   may send cross-origin without a preflight (`text/plain`, forms) are refused.
 */

import type { IncomingMessage } from 'node:http';

export interface GuardRefusal {
  readonly status: 403 | 415;
  readonly error: string;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** `host[:port]` → lower-case host (IPv6 kept in brackets) and port ('' when absent); undefined when malformed. */
function splitHost(value: string): { host: string; port: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return undefined;
  return { host: m[1]!.toLowerCase(), port: m[2] ?? '' };
}

function allowedHostName(host: string, req: IncomingMessage): boolean {
  if (LOOPBACK_NAMES.has(host)) return true;
  // Bound to another interface (0.0.0.0 on a LAN): its literal address is fine, a DNS name is not.
  const local = req.socket.localAddress?.replace(/^::ffff:/, '');
  return local !== undefined && (host === local || host === `[${local}]`);
}

/** Why this request may not use the control API, or undefined when it may. */
export function refuseControlRequest(req: IncomingMessage): GuardRefusal | undefined {
  const hostHeader = req.headers.host ?? '';
  const host = splitHost(hostHeader);
  if (host === undefined || !allowedHostName(host.host, req)) {
    return {
      status: 403,
      error:
        `Host ${JSON.stringify(hostHeader)}: the control API answers only requests addressed to ` +
        '127.0.0.1 or localhost (with the port); use the URL the simulator printed (controlUrl)',
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let same = false;
    try {
      const o = new URL(origin);
      same =
        o.protocol === 'http:' && o.host.toLowerCase() === `${host.host}${host.port === '' ? '' : `:${host.port}`}`;
    } catch {
      same = false;
    }
    if (!same) {
      return {
        status: 403,
        error:
          `Origin ${JSON.stringify(origin)}: the control API refuses requests from web pages of other origins; ` +
          'call it from a script or curl (no Origin header) or from a page served by the simulator itself',
      };
    }
  }
  const method = req.method ?? 'GET';
  if (method === 'POST' || method === 'PUT') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return {
        status: 415,
        error:
          `Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: ${method} to the control API must send ` +
          "'Content-Type: application/json' (e.g. curl -H 'content-type: application/json' -d '{...}')",
      };
    }
  }
  return undefined;
}
