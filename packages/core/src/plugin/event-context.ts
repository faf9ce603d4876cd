import type { ChatRef, NormalizedEvent } from '../message/types.js';
import type { Dispatchable } from './host.js';
import type { Actions, BotContext, OutgoingContent } from './types.js';

/** Builds the context one plugin sees for one event; actions are attributed to that plugin. */
export function createEventContext(
  item: Dispatchable,
  actions: Actions,
  plugin: string,
  state: Record<string, unknown>,
): BotContext {
  const base = { plugin, state, actions };
  const replyTo = (chat: ChatRef) => (content: OutgoingContent) => actions.send(chat.userName, content);
  if (item.kind === 'message') {
    const { message } = item;
    return {
      ...base,
      type: 'message',
      id: message.id,
      message,
      text: message.text,
      chat: message.chat,
      sender: message.sender,
      sentByBot: item.sentByBot,
      reply: replyTo(message.chat),
    };
  }
  return eventContext(item.event, base, replyTo);
}

function eventContext(
  event: NormalizedEvent,
  base: { plugin: string; state: Record<string, unknown>; actions: Actions },
  replyTo: (chat: ChatRef) => (content: OutgoingContent) => ReturnType<Actions['send']>,
): BotContext {
  const id = event.messageId;
  switch (event.type) {
    case 'friend-request':
      return {
        ...base,
        type: 'friend:request',
        id,
        event,
        request: event.request,
        accept: () => base.actions.acceptFriend(event.request),
      };
    case 'friend-added':
      return { ...base, type: 'friend:added', id, event, chat: event.contact, reply: replyTo(event.contact) };
    case 'room-join':
      return {
        ...base,
        type: 'room:join',
        id,
        event,
        chat: event.room,
        invitees: event.invitees,
        reply: replyTo(event.room),
      };
    case 'room-leave':
      return {
        ...base,
        type: 'room:leave',
        id,
        event,
        chat: event.room,
        leavers: event.leavers,
        reply: replyTo(event.room),
      };
    case 'room-topic':
      return {
        ...base,
        type: 'room:topic',
        id,
        event,
        chat: event.room,
        topic: event.topic,
        reply: replyTo(event.room),
      };
  }
}
