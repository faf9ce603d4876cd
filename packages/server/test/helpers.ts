// Shared by the server's tests: a real bot against the simulator, the API on 127.0.0.1 port 0, and
// raw HTTP (node:http, so Host and Origin can be set as an attacker's page would).
import { request as httpRequest } from 'node:http';

import type { ApiConfig } from '@wxbot/core';
import type { TestBot } from '@wxbot/core/testing';

import { BotMetrics } from '../src/metrics.js';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../src/server.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Api {
  readonly server: ApiServer;
  readonly url: string;
  readonly port: number;
  readonly metrics: BotMetrics;
  /** Every body the API answered in this test, for the secret scan. */
  readonly bodies: string[];
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly raw?: Buffer;
  readonly headers?: Record<string, string>;
  /** false: no Authorization header. Default true. */
  readonly auth?: boolean | string;
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
  json<T = Record<string, unknown>>(): T;
}

export async function startApi(
  bot: TestBot,
  api: ApiConfig = {},
  extra: Pick<ApiServerOptions, 'logs' | 'simulatorControlUrl'> = {},
): Promise<Api> {
  const metrics = new BotMetrics();
  metrics.watch(bot.bot);
  const server = createApiServer({
    bots: [bot.bot],
    api: { port: 0, ...api },
    token: TOKEN,
    metrics,
    ...extra,
  });
  const url = await server.listen();
  const port = Number(new URL(url).port);
  const bodies: string[] = [];
  const call = (method: string, path: string, options: CallOptions = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...options.headers };
      const auth = options.auth ?? true;
      if (auth !== false) headers.authorization = `Bearer ${auth === true ? TOKEN : auth}`;
      let payload: Buffer | undefined = options.raw;
      if (options.body !== undefined) {
        payload = Buffer.from(JSON.stringify(options.body));
        headers['content-type'] = 'application/json';
      }
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          bodies.push(text);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as never,
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { server, url, port, metrics, bodies, call };
}

/** Reads a server-sent event stream until `until` accepts an event (or `timeoutMs` passes). */
export async function readEvents(
  url: string,
  until: (event: { event: string; data: Record<string, unknown> }) => boolean,
  options: { headers?: Record<string, string>; timeoutMs?: number; onOpen?: () => void; raw?: string[] } = {},
): Promise<{ event: string; data: Record<string, unknown> }> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), options.timeoutMs ?? 5000);
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${TOKEN}`, ...options.headers },
      signal: ctl.signal,
    });
    if (res.body === null) throw new Error(`no body (HTTP ${res.status})`);
    const decoder = new TextDecoder();
    let buffer = '';
    let opened = false;
    for await (const chunk of res.body) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      options.raw?.push(text);
      buffer += text;
      if (!opened) {
        opened = true;
        options.onOpen?.();
      }
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event === undefined || data === undefined) continue;
        const parsed = { event, data: JSON.parse(data) as Record<string, unknown> };
        if (until(parsed)) return parsed;
      }
    }
    throw new Error('the stream ended');
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
}

/** The session's secrets as the simulator issued them: none may appear in any answer. */
export function sessionSecrets(bot: TestBot): string[] {
  const s = bot.sim.session;
  if (s === undefined) throw new Error('no session');
  return [String(s.uin), s.sid, s.skey, s.passTicket, s.dataTicket].filter((v) => v.length >= 4);
}
