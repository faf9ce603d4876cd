/**
 * Events that do not come from one message's normalisation: the account's
 * lifecycle (login, logout, ban, ban risk), contact changes, and two derived
 * from messages (the bot added to a room, a recall). The bot runtime makes
 * them (bot/client-events.ts); the pipeline delivers them like any other.
 */

import type { Contact } from '../contact/types.js';
import type { LoginVia, LogoutReason } from '../client/types.js';
import { isChatMessage } from '../message/kinds.js';
import type { RecallMessage, RoomJoinEvent } from '../message/types.js';
import type { Actions, BanRiskSignal, BotContext, OutgoingContent } from './types.js';

export type HostEvent =
  | { readonly type: 'login'; readonly id: string; readonly self: Contact; readonly via: LoginVia }
  | {
      readonly type: 'logout';
      readonly id: string;
      readonly reason: LogoutReason;
      readonly retcode: number | undefined;
      readonly endpoint: string | undefined;
    }
  | { readonly type: 'ban'; readonly id: string; readonly serverMessage: string; readonly endpoint: string }
  | {
      readonly type: 'ban-risk';
      readonly id: string;
      readonly signal: BanRiskSignal;
      readonly count: number;
      readonly windowMs: number;
      readonly detail: string;
    }
  | {
      readonly type: 'contacts-updated';
      readonly id: string;
      readonly updated: readonly string[];
      readonly removed: readonly string[];
    }
  | { readonly type: 'bot-added'; readonly id: string; readonly event: RoomJoinEvent }
  | { readonly type: 'recall'; readonly id: string; readonly message: RecallMessage };

let counter = 0;

/** An id for an event no message carries: unique in this process, and says what it is. */
export function hostEventId(type: string): string {
  return `${type}:${Date.now()}:${++counter}`;
}

/** The context one plugin sees for a host event. */
export function hostEventContext(
  event: HostEvent,
  actions: Actions,
  plugin: string,
  state: Record<string, unknown>,
): BotContext {
  const base = { plugin, state, actions, id: event.id };
  const replyTo = (userName: string) => (content: OutgoingContent) => actions.send(userName, content);
  switch (event.type) {
    case 'login':
      return { ...base, type: 'login', self: event.self, via: event.via };
    case 'logout':
      return { ...base, type: 'logout', reason: event.reason, retcode: event.retcode, endpoint: event.endpoint };
    case 'ban':
      return { ...base, type: 'ban', serverMessage: event.serverMessage, endpoint: event.endpoint };
    case 'ban-risk':
      return {
        ...base,
        type: 'ban-risk',
        signal: event.signal,
        count: event.count,
        windowMs: event.windowMs,
        detail: event.detail,
      };
    case 'contacts-updated':
      return { ...base, type: 'contacts:updated', updated: event.updated, removed: event.removed };
    case 'bot-added':
      return {
        ...base,
        type: 'room:bot-added',
        event: event.event,
        chat: event.event.room,
        inviter: event.event.inviter,
        reply: replyTo(event.event.room.userName),
      };
    case 'recall': {
      const m = event.message;
      const original = m.original !== undefined && isChatMessage(m.original) ? m.original : undefined;
      return {
        ...base,
        type: 'recall',
        message: m,
        chat: m.chat,
        recalledBy: m.recalledBy,
        recalledId: m.recalledId,
        original,
        reply: replyTo(m.chat.userName),
      };
    }
  }
}
