// A STAND-IN for @wxbot/server, for the browser tests while that package is not in this tree: it
// serves the built console (through consoleAsset, as the real server should) and mimics the few API
// routes the console calls, with the same shapes, the bearer token and the same-origin rule. The
// test against the real server and simulator is e2e.test.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { consoleAsset, CONSOLE_HEADERS } from '../../src/node/index.js';

export const TOKEN = 'stand-in-token-0123456789abcdef';
/** Secrets a careless server might let into its log; the page must never show them. */
export const FAKE_SECRETS = ['@crypt_fake_SKEY_9f8e7d6c', '2718281828', 'FAKEPASSTICKETabc123', 'FAKEDATATICKET42'];

/** A 1×1 PNG: the test checks the page draws what the server sent, not what a QR code says. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const ACCOUNT = 'main';

export const OPTIONS_SCHEMA = {
  type: 'object',
  required: ['cooldownSeconds', 'match'],
  properties: {
    cooldownSeconds: { type: 'number', minimum: 0, description: 'Seconds between two replies in one chat' },
    match: { enum: ['exact', 'contains', 'regex'] },
    greeting: { type: 'string', maxLength: 100 },
    ignoreRooms: { type: 'boolean' },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['keyword', 'reply'],
        properties: { keyword: { type: 'string', minLength: 1 }, reply: { type: 'string', minLength: 1 } },
      },
    },
    limits: { type: 'object', properties: { perHour: { type: 'integer', minimum: 1 } } },
  },
} as const;

interface Message {
  id: string;
  kind: string;
  chat: { id: string; name: string; isRoom: boolean };
  sender: { id: string; name: string; isSelf: boolean };
  text: string;
  createdAt: string;
  sentByBot: boolean;
}

export interface StandIn {
  readonly url: string;
  /** Every API request as method and URL (to check the token never rides in one). */
  readonly requests: Array<{ method: string; url: string; auth: boolean }>;
  readonly sent: Array<{ chat: string; text: string }>;
  readonly switches: Array<{ plugin: string; chat: string; enabled: boolean }>;
  readonly savedOptions: Array<{ plugin: string; options: unknown }>;
  readonly phoneSaid: unknown[];
  /** Moves the QR login on: waiting → scanned → logged-in. */
  scan(): void;
  confirm(): void;
  /** A friend's message, as the event stream and the recent-messages route show it. */
  incoming(chat: string, text: string): Message;
  /** Resolves once `n` event streams are open (the page has subscribed). */
  streams(n: number): Promise<void>;
  close(): Promise<void>;
}

const CHATS = [
  { id: 'wxid_alice', stable: true, kind: 'friend', name: 'Alice', nickName: 'Alice', remarkName: '' },
  { id: 'wxid_bob', stable: true, kind: 'friend', name: 'Bob', nickName: 'Bob', remarkName: '' },
  { id: '@temp_session_name', stable: false, kind: 'friend', name: 'Newcomer', nickName: 'Newcomer', remarkName: '' },
  { id: '123@chatroom', stable: true, kind: 'room', name: 'Test room', nickName: '', remarkName: '', memberCount: 3 },
] as const;

export interface StandInOptions {
  /** Serve the simulator's phone routes (the bot runs on the simulator). */
  readonly phone?: boolean;
  /** Replaces the autoreply entry's options schema (and drops its current options). */
  readonly optionsSchema?: Record<string, unknown>;
  /** Leave out the (proposed) log tail route, as @wxbot/server does today. */
  readonly noLogs?: boolean;
}

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const sent: StandIn['sent'] = [];
  const switches: StandIn['switches'] = [];
  const savedOptions: StandIn['savedOptions'] = [];
  const phoneSaid: unknown[] = [];
  const recent = new Map<string, Message[]>();
  const streams = new Set<ServerResponse>();
  const waiters: Array<() => void> = [];
  let seq = 0;
  let msgSeq = 1000;
  let qr: 'waiting' | 'scanned' | 'logged-in' = 'waiting';
  const offIn = new Map<string, Set<string>>([['@wxbot/plugin-autoreply', new Set()]]);
  const actions: Array<Record<string, unknown>> = [
    {
      seq: 1,
      at: new Date().toISOString(),
      action: 'send',
      plugin: '@wxbot/plugin-autoreply',
      cause: null,
      chat: { id: 'wxid_bob', name: 'Bob' },
      content: { type: 'text', text: 'auto: hi Bob' },
      status: 'done',
    },
  ];

  const publish = (type: string, data: Record<string, unknown>, chat?: string) => {
    const event = { seq: ++seq, type, account: ACCOUNT, at: new Date().toISOString(), chat, data };
    for (const res of streams) res.write(`id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  const remember = (m: Message) => {
    const ring = recent.get(m.chat.id) ?? [];
    ring.push(m);
    recent.set(m.chat.id, ring);
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { error: { code, message } });
  const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const method = req.method ?? 'GET';
    const p = (re: RegExp) => re.exec(path);
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/api/accounts')
      return json(res, 200, {
        items: [
          {
            id: ACCOUNT,
            state: qr === 'logged-in' ? 'syncing' : 'logging-in',
            ...(qr === 'logged-in' ? { self: { id: 'wxid_self', name: 'Operator Bot' } } : {}),
            qr,
            plugins: 2,
          },
        ],
      });
    if (method === 'GET' && path === `/api/accounts/${ACCOUNT}/qr/status`)
      return json(res, 200, { status: qr, refresh: 1, updatedAt: new Date().toISOString() });
    if (method === 'GET' && path === `/api/accounts/${ACCOUNT}/qr`) {
      if (qr === 'logged-in') return fail(res, 404, 'no_qr', 'no QR code to scan (logged-in)');
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      return res.end(PNG);
    }
    if (method === 'GET' && (m = p(/^\/api\/accounts\/main\/(contacts|rooms)$/))) {
      const rooms = m[1] === 'rooms';
      return json(res, 200, {
        items: CHATS.filter((c) => (c.kind === 'room') === rooms),
        total: CHATS.length,
      });
    }
    if ((m = p(/^\/api\/accounts\/main\/chats\/([^/]+)\/messages$/))) {
      const chat = decodeURIComponent(m[1]!);
      const contact = CHATS.find((c) => c.id === chat);
      if (contact === undefined) return fail(res, 404, 'no_chat', `chat ${chat} is not in the contact list`);
      if (method === 'GET') return json(res, 200, { items: recent.get(chat) ?? [] });
      const b = await body(req);
      if (typeof b.text !== 'string') return fail(res, 400, 'invalid_request', 'body.text is required');
      sent.push({ chat, text: b.text });
      const msgId = String(++msgSeq);
      const action = {
        seq: actions.length + 1,
        at: new Date().toISOString(),
        action: 'send',
        plugin: 'api',
        cause: null,
        chat: { id: chat, name: contact.name },
        content: { type: 'text', text: b.text },
        status: 'done',
      };
      actions.push(action);
      publish('action', action, chat);
      return json(res, 200, { msgId, chat: { id: chat, name: contact.name } });
    }
    if (method === 'GET' && path === `/api/accounts/${ACCOUNT}/plugins`)
      return json(res, 200, {
        items: [
          {
            name: '@wxbot/plugin-autoreply',
            state: 'active',
            offIn: [...offIn.get('@wxbot/plugin-autoreply')!],
            ...(options.optionsSchema === undefined
              ? {
                  optionsSchema: OPTIONS_SCHEMA,
                  options: { cooldownSeconds: 30, match: 'contains', rules: [{ keyword: 'hi', reply: 'hello' }] },
                }
              : { optionsSchema: options.optionsSchema }),
          },
          { name: 'broken-plugin', state: 'failed', offIn: [], error: 'setup threw: cannot read config.apiKey' },
        ],
      });
    if (method === 'POST' && path === `/api/accounts/${ACCOUNT}/plugins/switch`) {
      const b = (await body(req)) as { plugin: string; chat: string; enabled: boolean };
      switches.push(b);
      const set = offIn.get(b.plugin);
      if (set === undefined) return fail(res, 404, 'no_plugin', `no plugin ${b.plugin}`);
      if (b.enabled) set.delete(b.chat);
      else set.add(b.chat);
      return json(res, 200, b);
    }
    if (method === 'PUT' && (m = p(/^\/api\/accounts\/main\/plugins\/([^/]+)\/options$/))) {
      savedOptions.push({ plugin: decodeURIComponent(m[1]!), options: (await body(req)).options });
      return json(res, 200, { ok: true });
    }
    if (method === 'GET' && path === `/api/accounts/${ACCOUNT}/actions`)
      return json(res, 200, { items: actions, lastSeq: actions.length });
    if (options.noLogs !== true && method === 'GET' && path === '/api/logs')
      return json(res, 200, {
        items: [
          { at: new Date().toISOString(), level: 'info', msg: 'login confirmed' },
          // What a server that forgot to mask would send: the console masks it again.
          {
            at: new Date().toISOString(),
            level: 'debug',
            msg: `webwxinit skey=${FAKE_SECRETS[0]} wxuin=${FAKE_SECRETS[1]} pass_ticket=${FAKE_SECRETS[2]}`,
          },
          { at: new Date().toISOString(), level: 'debug', msg: `cookie: webwx_data_ticket=${FAKE_SECRETS[3]}` },
        ],
      });
    if (options.phone === true && method === 'GET' && path === '/api/simulator/world')
      return json(res, 200, {
        people: [
          { id: 'wxid_alice', name: 'Alice' },
          { id: 'wxid_bob', name: 'Bob' },
        ],
        rooms: [{ id: '123@chatroom', name: 'Test room', members: [{ id: 'wxid_bob', name: 'Bob' }] }],
      });
    if (options.phone === true && method === 'POST' && path === '/api/simulator/say') {
      phoneSaid.push(await body(req));
      return json(res, 200, { msgId: String(++msgSeq) });
    }
    if (method === 'GET' && path === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': connected\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      for (const w of waiters.splice(0)) w();
      return;
    }
    return fail(res, 404, 'not_found', `no route ${method} ${path}`);
  };

  let port = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    void (async () => {
      // The same-origin rule of the real server: a page elsewhere may not drive the API.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://127.0.0.1:${port}`)
        return fail(res, 403, 'bad_origin', `Origin ${origin} may not call this API`);
      if (url.pathname.startsWith('/api/')) {
        const auth = req.headers.authorization === `Bearer ${TOKEN}`;
        requests.push({ method: req.method ?? 'GET', url: req.url ?? '', auth });
        if (!auth) return fail(res, 401, 'unauthorized', 'missing token');
        return api(req, res, url.pathname);
      }
      const asset = await consoleAsset(url.pathname);
      if (asset === undefined) return fail(res, 404, 'not_found', `no file ${url.pathname}`);
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': asset.cacheControl, ...CONSOLE_HEADERS });
      res.end(asset.body);
    })().catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, 'internal', String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sent,
    switches,
    savedOptions,
    phoneSaid,
    scan() {
      qr = 'scanned';
      publish('scanned', {});
    },
    confirm() {
      qr = 'logged-in';
      publish('login', { via: 'qr', self: { id: 'wxid_self', name: 'Operator Bot' } });
    },
    incoming(chat, text) {
      const contact = CHATS.find((c) => c.id === chat)!;
      const message: Message = {
        id: String(++msgSeq),
        kind: 'text',
        chat: { id: chat, name: contact.name, isRoom: contact.kind === 'room' },
        sender: { id: chat, name: contact.name, isSelf: false },
        text,
        createdAt: new Date().toISOString(),
        sentByBot: false,
      };
      remember(message);
      publish('message', { ...message }, chat);
      return message;
    },
    streams(n) {
      if (streams.size >= n) return Promise.resolve();
      return new Promise((resolve) => {
        const check = () => {
          if (streams.size >= n) resolve();
          else waiters.push(check);
        };
        waiters.push(check);
      });
    },
    async close() {
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
