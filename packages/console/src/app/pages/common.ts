import { ApiError, type Api } from '../api.js';
import type { EventHub } from '../events.js';

/** What every page gets from the shell. */
export interface PageProps {
  readonly api: Api;
  readonly account: string;
  readonly events: EventHub;
}

export function errorText(error: unknown): string {
  // A route this server has no handler for (the console may be newer than the server): say that plainly.
  if (error instanceof ApiError && error.status === 404 && error.code === 'not_found')
    return `This server does not offer this yet (${error.message}).`;
  return error instanceof Error ? error.message : String(error);
}

export function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}
