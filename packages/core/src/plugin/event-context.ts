import type { SentMessage } from '../message/sent.js';
import type { ChatMessage, ChatRef, NormalizedEvent } from '../message/types.js';
import type { Dispatchable } from './dispatchable.js';
import { hostEventContext } from './host-events.js';
import type { Actions, BotContext, OutgoingContent } from './types.js';

/** Where a context gets the actions attributed to its plugin and event. */
export interface ActionSource {
  actionsFor(cause: string): Actions;
}

const SOURCE = Symbol('wxbot.actionSource');
const ACTIONS = Symbol('wxbot.actions');
const REPLY = Symbol('wxbot.reply');

/**
 * What one plugin sees for one message. Every plugin gets its own (so
 * `plugin` and the actions' attribution are right even when a handler keeps
 * the context after `next()`), which makes this the hottest allocation of a
 * dispatch: a class with a fixed shape, data fields copied, and `actions` /
 * `reply` built only when a handler touches them (most never do). Symbol keys,
 * not #private fields, because `hears`/`command` derive contexts with
 * `Object.create`, and private fields are not reachable through a prototype.
 */
class MessageView {
  readonly type = 'message' as const;
  readonly plugin: string;
  readonly id: string;
  readonly state: Record<string, unknown>;
  readonly message: ChatMessage;
  readonly text: string;
  readonly chat: ChatRef;
  readonly sender: ChatMessage['sender'];
  readonly sentByBot: boolean;
  [SOURCE]: ActionSource;
  [ACTIONS]: Actions | undefined = undefined;
  [REPLY]: ((content: OutgoingContent) => Promise<SentMessage>) | undefined = undefined;

  constructor(
    message: ChatMessage,
    sentByBot: boolean,
    plugin: string,
    source: ActionSource,
    state: Record<string, unknown>,
  ) {
    this.plugin = plugin;
    this.id = message.id;
    this.state = state;
    this.message = message;
    this.text = message.text;
    this.chat = message.chat;
    this.sender = message.sender;
    this.sentByBot = sentByBot;
    this[SOURCE] = source;
  }

  get actions(): Actions {
    return (this[ACTIONS] ??= this[SOURCE].actionsFor(this.id));
  }

  /** A getter returning a cached closure, so `const { reply } = m` keeps working. */
  get reply(): (content: OutgoingContent) => Promise<SentMessage> {
    return (this[REPLY] ??= (content) => this.actions.send(this.chat.userName, content));
  }
}

/**
 * `context` plus one own field (`hears`' `match`, `command`'s `command`).
 * A message view is copied, with anything set on it since, because making
 * each message's view the prototype of a derived object costs V8 several
 * microseconds (a prototype map per object). Other contexts are derived
 * through the prototype chain.
 */
export function deriveContext<C extends object, K extends string, V>(
  context: C,
  key: K,
  value: V,
): C & { readonly [P in K]: V } {
  if (!(context instanceof MessageView)) {
    return Object.create(context, { [key]: { value, enumerable: true } }) as C & { readonly [P in K]: V };
  }
  const view: MessageView = context;
  const copy = new MessageView(view.message, view.sentByBot, view.plugin, view[SOURCE], view.state);
  copy[ACTIONS] = view[ACTIONS];
  copy[REPLY] = view[REPLY];
  const from = view as unknown as Record<string, unknown>;
  const to = copy as unknown as Record<string, unknown>;
  // Earlier derivations' fields, and whatever a handler put on the view before passing it on.
  for (const name in from) if (!Object.hasOwn(to, name)) to[name] = from[name];
  to[key] = value;
  return copy as unknown as C & { readonly [P in K]: V };
}

/** Builds the context one plugin sees for one event; actions are attributed to that plugin. */
export function createEventContext(
  item: Dispatchable,
  source: ActionSource,
  plugin: string,
  state: Record<string, unknown>,
): BotContext {
  if (item.kind === 'message') {
    return new MessageView(item.message, item.sentByBot, plugin, source, state);
  }
  if (item.kind === 'host') return hostEventContext(item.event, source.actionsFor(item.event.id), plugin, state);
  // Events (friend requests, joins, renames) are rare; plain objects are fine here.
  return eventContext(item.event, source.actionsFor(item.event.messageId), plugin, state);
}

function eventContext(
  event: NormalizedEvent,
  actions: Actions,
  plugin: string,
  state: Record<string, unknown>,
): BotContext {
  const id = event.messageId;
  const replyTo = (chat: ChatRef) => (content: OutgoingContent) => actions.send(chat.userName, content);
  switch (event.type) {
    case 'friend-request':
      return {
        plugin,
        state,
        actions,
        type: 'friend:request',
        id,
        event,
        request: event.request,
        accept: () => actions.acceptFriend(event.request),
      };
    case 'friend-added':
      return {
        plugin,
        state,
        actions,
        type: 'friend:added',
        id,
        event,
        chat: event.contact,
        reply: replyTo(event.contact),
      };
    case 'room-join':
      return {
        plugin,
        state,
        actions,
        type: 'room:join',
        id,
        event,
        chat: event.room,
        invitees: event.invitees,
        reply: replyTo(event.room),
      };
    case 'room-leave':
      return {
        plugin,
        state,
        actions,
        type: 'room:leave',
        id,
        event,
        chat: event.room,
        leavers: event.leavers,
        reply: replyTo(event.room),
      };
    case 'room-topic':
      return {
        plugin,
        state,
        actions,
        type: 'room:topic',
        id,
        event,
        chat: event.room,
        topic: event.topic,
        reply: replyTo(event.room),
      };
  }
}
