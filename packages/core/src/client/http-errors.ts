import type { AxiosError } from 'axios';
import { ActionRefused, LoggedOut, NotFriend, RateLimited, ServerError, TicketInvalid } from './errors.js';

/*
 * The errors the HTTP layer raises: a BaseResponse.Ret mapped to its typed error, and transport
 * failures described without what they may carry (URLs with skey/pass_ticket, bodies, sockets).
 */

/** Maps a non-zero BaseResponse.Ret to a typed error. */
export function retError(endpoint: string, ret: number, errMsg: string): Error {
  if (ret === 1100 || ret === 1101 || ret === 1102) return new LoggedOut(endpoint, ret);
  if (ret === 1205) return new RateLimited(endpoint);
  if (ret === 1204) return new NotFriend(endpoint);
  if (ret === -14) return new TicketInvalid(endpoint, errMsg);
  if (ret === 1) return new ActionRefused(endpoint, errMsg);
  return new ServerError(endpoint, ret, errMsg);
}

/** A plain copy of a transport error: message and system codes, nothing else it may hold (sockets, URLs). */
export function plainCause(err: Error | undefined): Error | undefined {
  if (!err) return undefined;
  const plain = new Error(err.message);
  for (const k of ['code', 'errno', 'syscall'] as const) {
    const v = (err as Error & Record<string, unknown>)[k];
    if (v !== undefined) (plain as Error & Record<string, unknown>)[k] = v;
  }
  return plain;
}

/** A transport error as one line: its message and, when the message lacks it, its code. */
export function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const own = (err as Error & { code?: unknown }).code;
    const code =
      typeof own === 'string' ? own : cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : '';
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/**
 * An AxiosError carries the request config (URL with skey/pass_ticket, JSON
 * body with Sid/Skey) and the socket objects; errors reach user handlers and
 * loggers, so the cause keeps only the message, code and the system error.
 */
export function safeCause(err: unknown): unknown {
  if (err === null || typeof err !== 'object' || (err as Partial<AxiosError>).isAxiosError !== true) return err;
  const ax = err as AxiosError;
  const plain = new Error(ax.message, ax.cause === undefined ? undefined : { cause: ax.cause });
  if (ax.code !== undefined) (plain as Error & { code?: string }).code = ax.code;
  return plain;
}
