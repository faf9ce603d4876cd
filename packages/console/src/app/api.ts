// The one module that knows the control API's paths and shapes (packages/server): when a route moves,
// this file is the fix. Every call sends the token as a bearer header, never in a query string
// (query strings end up in logs and history); the QR image and the event stream are fetched too, for
// the same reason, instead of <img src> / EventSource which cannot send headers.

import { readSse, type SseFrame } from './sse.js';

export type QrStatus = 'none' | 'waiting' | 'scanned' | 'logged-in';

export interface Account {
  readonly id: string;
  readonly state: string;
  readonly self?: { readonly id: string; readonly name: string };
  readonly qr: QrStatus;
  readonly plugins: number;
  /** The protocol: `web` or `ilink` (an iLink account has no rooms and no contact list). */
  readonly transport?: string;
  /** What the account's transport can do (`rooms`, `contacts`, `media.image`, ...). */
  readonly capabilities?: readonly string[];
}

export interface QrState {
  readonly status: QrStatus;
  readonly refresh: number;
  readonly updatedAt?: string;
}

export interface Contact {
  readonly id: string;
  readonly stable: boolean;
  readonly kind: 'friend' | 'room' | 'official' | 'special' | 'self' | 'stranger';
  readonly name: string;
  readonly memberCount?: number;
}

export interface Message {
  readonly id: string;
  readonly kind: string;
  readonly chat: { readonly id: string; readonly name: string; readonly isRoom: boolean };
  readonly sender: { readonly id: string; readonly name: string; readonly isSelf: boolean };
  readonly text: string;
  readonly createdAt: string;
  readonly sentByBot: boolean;
}

export interface Sent {
  readonly msgId: string;
  readonly chat: { readonly id: string; readonly name: string };
}

export interface Action {
  readonly seq: number;
  readonly at: string;
  readonly action: string;
  readonly plugin: string | null;
  readonly chat: { readonly id: string; readonly name: string };
  readonly content?: { readonly type: string; readonly text?: string; readonly name?: string };
  readonly status: 'pending' | 'done' | 'failed';
  readonly error?: string;
}

/** A JSON Schema, as far as the form renderer reads it. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface Plugin {
  readonly name: string;
  readonly state: 'starting' | 'active' | 'failed' | 'disabled' | 'stopped';
  /** Stable ids of the chats it is switched off in. */
  readonly offIn: readonly string[];
  /** The last failure (masked), when the plugin failed. */
  readonly error?: string;
  /** JSON Schema of the plugin's options (from its Standard Schema / zod options). */
  readonly optionsSchema?: JsonSchema;
  /** The options it runs with: not sent by @wxbot/server today (the host does not keep them; they may hold keys). */
  readonly options?: unknown;
}

export interface LogLine {
  readonly at: string;
  readonly level: string;
  readonly msg: string;
}

export interface PhoneWorld {
  readonly people: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly rooms: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly members: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  }>;
}

export interface ServerEvent {
  readonly seq: number;
  readonly type: string;
  readonly account: string;
  readonly at: string;
  readonly chat?: string;
  readonly data: Record<string, unknown>;
}

/** Every path the console uses (all served by @wxbot/server; the simulator ones only in simulator mode). */
const e = encodeURIComponent;
export const paths = {
  accounts: () => '/api/accounts',
  account: (a: string) => `/api/accounts/${e(a)}`,
  qr: (a: string) => `/api/accounts/${e(a)}/qr`,
  qrStatus: (a: string) => `/api/accounts/${e(a)}/qr/status`,
  contacts: (a: string) => `/api/accounts/${e(a)}/contacts`,
  rooms: (a: string) => `/api/accounts/${e(a)}/rooms`,
  messages: (a: string, chat: string) => `/api/accounts/${e(a)}/chats/${e(chat)}/messages`,
  plugins: (a: string) => `/api/accounts/${e(a)}/plugins`,
  pluginSwitch: (a: string) => `/api/accounts/${e(a)}/plugins/switch`,
  /** Answers 501 until the plugin host supports live reconfiguration. */
  pluginOptions: (a: string, plugin: string) => `/api/accounts/${e(a)}/plugins/${e(plugin)}/options`,
  actions: (a: string) => `/api/accounts/${e(a)}/actions`,
  events: () => '/api/events',
  /** The log tail (masked by the server; the console masks again). */
  logs: () => '/api/logs',
  /** The simulator's people and rooms; 404 when the bot does not run on the simulator. */
  phone: () => '/api/simulator/world',
  /** Relayed to the simulator's POST /__sim/say. */
  phoneSay: () => '/api/simulator/say',
} as const;

/** What the API answered instead of a success, with its error code and the field it names. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export type Api = ReturnType<typeof createApi>;

export function createApi(token: string, base = '') {
  const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(base + path, { ...init, headers: headers(init.headers as Record<string, string>) });
    if (res.ok) return res;
    let code = 'http_' + String(res.status);
    let message = `${init.method ?? 'GET'} ${path} answered ${res.status}`;
    let field: string | undefined;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string; field?: string } };
      if (body.error?.code !== undefined) code = body.error.code;
      if (body.error?.message !== undefined) message = body.error.message;
      field = body.error?.field;
    } catch {
      // Not JSON (a proxy's page): the status line is all there is.
    }
    throw new ApiError(res.status, code, message, field);
  }
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await call(path, init)).json() as Promise<T>;
  const post = <T>(path: string, body: unknown, method = 'POST'): Promise<T> =>
    json<T>(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const query = (params: Record<string, string | number | undefined>): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s === '' ? '' : `?${s}`;
  };

  return {
    accounts: async () => (await json<{ items: Account[] }>(paths.accounts())).items,
    qrStatus: (account: string) => json<QrState>(paths.qrStatus(account)),
    /** The QR code as an image blob (404 when there is none to scan). */
    qrPng: async (account: string) => (await call(paths.qr(account))).blob(),
    contacts: async (account: string, q?: string) =>
      (await json<{ items: Contact[] }>(paths.contacts(account) + query({ q, limit: 200 }))).items,
    rooms: async (account: string, q?: string) =>
      (await json<{ items: Contact[] }>(paths.rooms(account) + query({ q, limit: 200 }))).items,
    messages: async (account: string, chat: string) =>
      (await json<{ items: Message[] }>(paths.messages(account, chat) + query({ limit: 100 }))).items,
    send: (account: string, chat: string, text: string) => post<Sent>(paths.messages(account, chat), { text }),
    plugins: async (account: string) => (await json<{ items: Plugin[] }>(paths.plugins(account))).items,
    switchPlugin: (account: string, plugin: string, chat: string, enabled: boolean) =>
      post<{ plugin: string; chat: string; enabled: boolean }>(paths.pluginSwitch(account), { plugin, chat, enabled }),
    savePluginOptions: (account: string, plugin: string, options: unknown) =>
      post<unknown>(paths.pluginOptions(account, plugin), { options }, 'PUT'),
    actions: (account: string, since?: number) =>
      json<{ items: Action[]; lastSeq: number }>(paths.actions(account) + query({ since, limit: 200 })),
    logs: async (limit = 200) => (await json<{ items: LogLine[] }>(paths.logs() + query({ limit }))).items,
    phoneWorld: () => json<PhoneWorld>(paths.phone()),
    phoneSay: (spec: { from: string; text: string; room?: string }) => post<unknown>(paths.phoneSay(), spec),
    /**
     * Follows the event stream until `signal` aborts, reconnecting (with Last-Event-ID, so nothing is
     * missed that the server still keeps) after a drop.
     */
    async events(onEvent: (event: ServerEvent) => void, signal: AbortSignal, onState?: (up: boolean) => void) {
      let lastId: string | undefined;
      let delay = 500;
      while (!signal.aborted) {
        try {
          const res = await call(paths.events(), {
            signal,
            headers: lastId === undefined ? {} : { 'last-event-id': lastId },
          });
          onState?.(true);
          delay = 500;
          await readSse(res, signal, (frame: SseFrame) => {
            if (frame.id !== undefined) lastId = frame.id;
            try {
              onEvent(JSON.parse(frame.data) as ServerEvent);
            } catch {
              // A frame that is not JSON is not an event of ours.
            }
          });
        } catch {
          // Dropped or refused: retried below, unless the page is leaving.
        }
        onState?.(false);
        if (signal.aborted) return;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    },
  };
}
