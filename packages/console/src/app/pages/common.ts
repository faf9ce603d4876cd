import type { Api } from '../api.js';
import type { EventHub } from '../events.js';

/** What every page gets from the shell. */
export interface PageProps {
  readonly api: Api;
  readonly account: string;
  readonly events: EventHub;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}
