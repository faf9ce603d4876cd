/** The listeners: which path is served on which host, and where faults strike. */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { AccountRegistry } from './accounts.js';
import { RequestContext, sleep, type HostRole } from './http.js';
import { loginPollBody, pushLoginBody, synccheckBody } from './wire/js.js';
import { loginPageError } from './wire/xml.js';
import { sendRet } from './routes/auth.js';
import type { Handler, RouteEnv } from './routes/types.js';

export interface Route {
  role: HostRole;
  handler: Handler;
}

export interface RouteTable {
  exact: Map<string, Route>;
  prefix: { prefix: string; endpoint: string; route: Route }[];
  control: (ctx: RequestContext) => Promise<void>;
}

export function endpointName(path: string): string {
  if (path.startsWith('/qrcode/')) return 'qrcode';
  if (path.startsWith('/l/')) return 'l';
  return path.split('/').filter(Boolean).pop() ?? '';
}

const JSON_ENDPOINTS = new Set(['jslogin', 'login', 'synccheck', 'qrcode', 'l']);

/** webwxpushloginurl's refusals as clients have reported them: no cookies, antispam, stale device auth info. */
const PUSH_LOGIN_MESSAGES: Record<number, string> = { 1: 'args error', 2: 'antispam', 3: 'device authinfo invalid' };

export class Listeners {
  private servers: { role: HostRole; server: Server; sockets: Set<Socket> }[] = [];

  constructor(
    private readonly accounts: AccountRegistry,
    private readonly routes: RouteTable,
    private readonly separateHosts: boolean,
  ) {}

  async listen(role: HostRole, port: number): Promise<string> {
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      // Nothing a client sends may end the process: a rejection here would be unhandled.
      this.handle(role, req, res).catch((err: unknown) => {
        this.accounts.front.log('warn', `request failed before its handler: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request');
        else res.destroy();
      });
    });
    server.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    // Long polls are held up to ~25 s; keep node from cutting them.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        resolve();
      });
    });
    this.servers.push({ role, server, sockets });
    const addr = server.address() as AddressInfo;
    return `http://127.0.0.1:${addr.port}`;
  }

  private lookup(path: string, role: HostRole): { endpoint: string; route: Route } | undefined {
    let found: { endpoint: string; route: Route } | undefined;
    const exact = this.routes.exact.get(path);
    if (exact) found = { endpoint: endpointName(path), route: exact };
    else {
      const p = this.routes.prefix.find((r) => path.startsWith(r.prefix));
      if (p) found = { endpoint: p.endpoint, route: p.route };
    }
    if (!found || (this.separateHosts && found.route.role !== role)) return undefined;
    return found;
  }

  private async handle(role: HostRole, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = new RequestContext(req, res, role);
    try {
      if (ctx.path === '/__sim' || ctx.path.startsWith('/__sim/')) {
        if (role !== 'main') {
          ctx.send(404, '', 'text/plain');
          return;
        }
        await this.routes.control(ctx);
        return;
      }
      const found = this.lookup(ctx.path, role);
      if (!found) {
        ctx.send(404, '', 'text/html');
        return;
      }
      // Which account this request is for; alone, the one account.
      const engine = await this.accounts.route(ctx, found.endpoint);
      const env: RouteEnv = { engine, stuck: false };
      for (const fault of engine.faults.roll(found.endpoint)) {
        engine.log('debug', `fault ${fault.kind} on ${found.endpoint}`);
        switch (fault.kind) {
          case 'latency':
            await sleep(fault.ms, ctx.abortSignal);
            if (ctx.aborted || engine.closing) return;
            break;
          case 'expire-session':
            engine.endSession(fault.code ?? 1101, 'expired (fault)');
            break;
          case 'stuck-selector':
            env.stuck = true;
            break;
          case 'drop':
            req.socket.destroy();
            return;
          case 'accept-then-drop':
            ctx.dropResponse = true;
            break;
          case 'http': {
            ctx.send(fault.status, '', 'text/html');
            return;
          }
          case 'ret':
            if (found.endpoint === 'synccheck') {
              ctx.js(synccheckBody(fault.ret, 0));
              return;
            }
            if (found.endpoint === 'login') {
              ctx.js(loginPollBody(fault.ret));
              return;
            }
            // The login page answers XML, push login a JSON object whose ret is a string (see PUSH_LOGIN_MESSAGES).
            if (found.endpoint === 'webwxnewloginpage') {
              ctx.send(200, loginPageError(fault.ret, ''), 'text/plain');
              return;
            }
            if (found.endpoint === 'webwxpushloginurl') {
              ctx.send(200, pushLoginBody(String(fault.ret), PUSH_LOGIN_MESSAGES[fault.ret] ?? 'error'), 'text/plain');
              return;
            }
            if (JSON_ENDPOINTS.has(found.endpoint)) {
              ctx.send(200, '', 'text/plain');
              return;
            }
            {
              sendRet(ctx, fault.ret);
              return;
            }
        }
      }
      await found.route.handler(ctx, env);
    } catch (err) {
      this.accounts.front.log('warn', `handler error on ${ctx.path}: ${(err as Error).stack ?? String(err)}`);
      ctx.send(500, `simulator error: ${(err as Error).message}`, 'text/plain');
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        ({ server, sockets }) =>
          new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            for (const s of sockets) s.destroy();
            server.closeAllConnections();
          }),
      ),
    );
    this.servers = [];
  }
}
