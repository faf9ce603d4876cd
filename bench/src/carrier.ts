/**
 * The client CPU of one API request, per HTTP carrier (issue 20 items 1–2): core's `Http` (what the bot
 * uses: its lean carrier, decision 0036), the same `Http` sending through node:http (as behind a proxy),
 * optionally an older build of it beside, plain node:http with an object of headers (what core did
 * before) and with a flat header list, the minimal client's raw socket (raw-http.ts: the floor, no cookies,
 * timeouts or redirects), and undici 7 when given. The server runs in another process, as the
 * simulator does, so only the client's side is counted (`process.cpuUsage`, as the bench's CPU per message).
 *
 *   node bench/dist/carrier.js [--before=<abs path to an older packages/core/dist>] [--n=3000] [--rounds=3]
 *   BENCH_UNDICI=/abs/path/to/node_modules/undici/index.js node bench/dist/carrier.js   # undici 7 too
 *   BENCH_CARRIER_CPUS=0,1   # pin this process to CPU 0 and the server to CPU 1 (needs `taskset`)
 *
 * Three kinds of request, as one reply makes them: a webwxsync-like POST whose 1.7 KB answer is parsed
 * (`post`), a synccheck-like GET with a short answer (`get`), and the POST after a 4 ms pause (`post
 * paced`, the steady phase's pace: every request then wakes an idle process; the timer's own CPU is
 * taken out). Rounds interleave the carriers so machine noise lands on all; the table shows each one's
 * lowest round (the least disturbed) and every round.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';

import { cpuPerCall } from './cpu-per-call.js';
import { RawHttp } from './raw-http.js';
import { typicalSyncBody } from './suites/floor.js';

type Kind = 'post' | 'get';
type Call = (kind: Kind) => Promise<void>;

const SERVER = `
const http = require('node:http');
const sync = Buffer.from(process.env.SYNC_BODY);
const check = Buffer.from('window.synccheck={retcode:"0",selector:"2"}');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.url.startsWith('/sync') ? sync : check;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
// What the bot's URLs carry (secrets are stand-ins).
const QUERY = '?sid=abcdefghijklmnop&skey=%40crypt_0123456789abcdef&pass_ticket=abc%252Bdef&lang=zh_CN';
const COOKIE = 'wxuin=1234567890; wxsid=abcdefghijklmnop; webwx_data_ticket=gSdfghjkl0123456789';

/** The subset of core's Http this measures (dist/client/http.js; not a public export). */
interface CoreHttp {
  json(spec: object): Promise<unknown>;
  text(spec: object): Promise<unknown>;
  jar: { setCookieSync(cookie: string, url: string): unknown };
}

/**
 * Core's `Http` from `dist`. `viaNode`: with its lean carrier's pool taken away (a build that has one), so
 * the same build sends through node:http, as it does behind a proxy: the two carriers side by side.
 */
async function coreCarrier(dist: string, origin: string, post: object, viaNode = false): Promise<Call> {
  const mod = (await import(pathToFileURL(resolve(dist, 'client/http.js')).href)) as {
    Http: new (o: object) => CoreHttp;
  };
  const http = new mod.Http({ userAgent: UA, timeoutMs: 35_000, logger: pino({ level: 'silent' }), proxy: false });
  if (viaNode) {
    const inner = http as unknown as { pool: { destroy(): void } | undefined };
    inner.pool?.destroy();
    inner.pool = undefined;
  }
  for (const c of COOKIE.split('; ')) http.jar.setCookieSync(`${c}; Path=/`, origin);
  return (kind) =>
    (kind === 'post'
      ? http.json({ endpoint: 'webwxsync', url: `${origin}/sync${QUERY}`, json: post })
      : http.text({
          endpoint: 'synccheck',
          url: `${origin}/check`,
          longPoll: true,
          query: {
            r: Date.now(),
            skey: '@crypt_0123',
            sid: 'abcdefghijklmnop',
            uin: 1234567890,
            synckey: '1_700000000|2_700000131',
            _: 1,
          },
        })
    ).then(() => undefined);
}

function nodeCarrier(port: number, post: object, flat: boolean): Call {
  const agent = new Agent({ keepAlive: true });
  return (kind) =>
    new Promise((done, fail) => {
      const body = kind === 'post' ? JSON.stringify(post) : undefined;
      const path = kind === 'post' ? `/sync${QUERY}` : `/check${QUERY}&r=${Date.now()}`;
      let headers: OutgoingHttpHeaders | string[];
      if (flat) {
        const list = ['Host', `127.0.0.1:${port}`, 'User-Agent', UA, 'Accept', 'application/json, text/plain, */*'];
        list.push('Accept-Encoding', 'gzip, deflate', 'Cookie', COOKIE);
        if (body !== undefined)
          list.push('Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body)));
        headers = list;
      } else {
        const o: OutgoingHttpHeaders = {
          'User-Agent': UA,
          Accept: 'application/json, text/plain, */*',
          'Accept-Encoding': 'gzip, deflate',
          Cookie: COOKIE,
        };
        if (body !== undefined) {
          o['Content-Type'] = 'application/json';
          o['Content-Length'] = String(Buffer.byteLength(body));
        }
        headers = o;
      }
      const req = request(
        { hostname: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent, headers },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (kind === 'post') JSON.parse(text);
            done();
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
}

/** The minimal client's carrier (raw-http.ts): the floor of a request, nothing a real client needs. */
function rawCarrier(origin: string, post: object): Call {
  const raw = new RawHttp(origin, `User-Agent: ${UA}\r\nAccept: application/json\r\nCookie: ${COOKIE}\r\n`, 1);
  return async (kind) => {
    if (kind === 'post') JSON.parse((await raw.request('POST', `/sync${QUERY}`, JSON.stringify(post))).body);
    else await raw.request('GET', `/check${QUERY}&r=${Date.now()}`);
  };
}

/** undici 7's `Client` (its own module, given by path: not a dependency of the project). */
interface UndiciClient {
  request(o: object): Promise<{ body: { text(): Promise<string> } }>;
  dispatch(o: object, handler: object): boolean;
}

async function undiciCarriers(path: string, origin: string, post: object): Promise<Record<string, Call>> {
  const { Client } = (await import(pathToFileURL(path).href)) as {
    Client: new (origin: string, o: object) => UndiciClient;
  };
  const headersOf = (body: string | undefined): string[] => {
    const h = ['user-agent', UA, 'accept', 'application/json, text/plain, */*', 'accept-encoding', 'gzip, deflate'];
    h.push('cookie', COOKIE);
    if (body !== undefined) h.push('content-type', 'application/json');
    return h;
  };
  const pathOf = (kind: Kind): string => (kind === 'post' ? `/sync${QUERY}` : `/check${QUERY}&r=${Date.now()}`);
  const a = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
  const b = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
  return {
    'undici request()': async (kind) => {
      const body = kind === 'post' ? JSON.stringify(post) : undefined;
      const res = await a.request({
        path: pathOf(kind),
        method: body ? 'POST' : 'GET',
        headers: headersOf(body),
        body,
      });
      const text = await res.body.text();
      if (kind === 'post') JSON.parse(text);
    },
    'undici dispatch()': (kind) =>
      new Promise((done, fail) => {
        const body = kind === 'post' ? JSON.stringify(post) : undefined;
        const chunks: Buffer[] = [];
        b.dispatch(
          { path: pathOf(kind), method: body ? 'POST' : 'GET', headers: headersOf(body), body },
          {
            onConnect: () => undefined,
            onError: fail,
            onHeaders: () => true,
            onData: (c: Buffer) => chunks.push(c) > 0,
            onComplete: () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (kind === 'post') JSON.parse(text);
              done();
            },
          },
        );
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' },
      core: { type: 'string' },
      n: { type: 'string' },
      rounds: { type: 'string' },
    },
  });
  const here = fileURLToPath(new URL('.', import.meta.url));
  const coreDist = values.core ?? resolve(here, '../../packages/core/dist');
  const n = Number(values.n ?? 3000);
  const rounds = Number(values.rounds ?? 3);
  const cpus = process.env['BENCH_CARRIER_CPUS']?.split(',');
  const syncBody = typicalSyncBody();
  const env = { ...process.env, SYNC_BODY: syncBody };
  const server =
    cpus === undefined
      ? spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'], env })
      : spawn('taskset', ['-c', cpus[1]!, process.execPath, '-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'], env });
  if (cpus !== undefined) spawn('taskset', ['-p', '-c', cpus[0]!, String(process.pid)], { stdio: 'ignore' });
  const [first] = (await once(server.stdout, 'data')) as [Buffer];
  const port = Number(first.toString().trim());
  const origin = `http://127.0.0.1:${port}`;
  // The bot's POSTs carry a BaseRequest and a SyncKey: about this size.
  const post = {
    BaseRequest: {
      Uin: 1234567890,
      Sid: 'abcdefghijklmnop',
      Skey: '@crypt_0123456789abcdef',
      DeviceID: 'e123456789012345',
    },
    SyncKey: (JSON.parse(syncBody) as { SyncKey: unknown }).SyncKey,
    rr: -1234567,
  };
  const carriers: Record<string, Call> = {
    'wxbot Http': await coreCarrier(coreDist, origin, post),
    'wxbot Http, node:http carrier': await coreCarrier(coreDist, origin, post, true),
  };
  if (values.before !== undefined) carriers['wxbot Http, before'] = await coreCarrier(values.before, origin, post);
  carriers['node:http, header object'] = nodeCarrier(port, post, false);
  carriers['node:http, flat header list'] = nodeCarrier(port, post, true);
  carriers['raw socket (the minimal client)'] = rawCarrier(origin, post);
  const undici = process.env['BENCH_UNDICI'];
  if (undici !== undefined) Object.assign(carriers, await undiciCarriers(undici, origin, post));

  const cpuPer = (call: Call, kind: Kind, gapMs: number): Promise<number> => cpuPerCall(() => call(kind), n, gapMs);
  const kinds: [string, Kind, number][] = [
    ['post', 'post', 0],
    ['get', 'get', 0],
    ['post paced', 'post', 4],
  ];
  const runs = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++)
    for (const [name, call] of Object.entries(carriers))
      for (const [label, kind, gap] of kinds) {
        const key = `${name}\t${label}`;
        runs.set(key, [...(runs.get(key) ?? []), await cpuPer(call, kind, gap)]);
      }
  server.stdin.end();
  server.kill();
  console.log(
    `Client CPU per keep-alive loopback request (µs), ${n} per round, ${rounds} rounds, node ${process.version}`,
  );
  console.log('| carrier | request | lowest round | every round |');
  console.log('|---|---|---|---|');
  for (const [key, v] of runs) {
    const [name, label] = key.split('\t');
    console.log(`| ${name} | ${label} | ${Math.min(...v).toFixed(1)} | ${v.map((x) => x.toFixed(0)).join(' / ')} |`);
  }
  process.exit(0);
}

await main();
