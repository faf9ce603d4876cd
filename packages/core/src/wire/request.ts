import type { BaseResponse } from './types.js';

/* What an endpoint call hands to the HTTP carrier, and the carrier it needs. The carrier itself
   (cookies, proxies, timeouts, redaction) is the client's http.ts; the wire only states
   the shape, so endpoint code never imports the client. */

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  /** Endpoint name for errors and logs (`webwxsync`). */
  endpoint: string;
  url: string;
  method?: 'GET' | 'POST';
  query?: Query;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** 'manual' returns 3xx responses instead of following them (login page 301). */
  redirect?: 'manual' | 'follow';
  /** A long poll (synccheck, the login poll): `abortInflight()` cancels it; other requests run to the end. */
  longPoll?: boolean;
}

/** The HTTP carrier an endpoint call needs; the client's `Http` is one. */
export interface WireHttp {
  /** POST/GET answering a JSON object; a non-zero `BaseResponse.Ret` is raised as a typed error. */
  json<T extends { BaseResponse?: BaseResponse }>(spec: RequestSpec): Promise<T>;
  /** A request answering text (synccheck's `window.synccheck=...`, the logout redirect, the login page's 301). */
  text(spec: RequestSpec): Promise<{ text: string; status: number }>;
}
