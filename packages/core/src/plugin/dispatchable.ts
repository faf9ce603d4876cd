import type { ChatMessage, NormalizedEvent } from '../message/types.js';
import type { HostEvent } from './host-events.js';

/** What the pipeline receives from the bot runtime: a chat message or a typed event. */
export type Dispatchable =
  | { readonly kind: 'message'; readonly message: ChatMessage; readonly sentByBot: boolean }
  | { readonly kind: 'event'; readonly event: NormalizedEvent }
  /** Lifecycle and derived events (see host-events.ts). */
  | { readonly kind: 'host'; readonly event: HostEvent };
