import type { ChatMessage, ChatMessageKind, Message, MessageKind } from './types.js';

/** Kinds delivered to plugins (`status-notify` is internal: it feeds stable ids and is never dispatched). */
export const CHAT_MESSAGE_KINDS = [
  'text',
  'location',
  'image',
  'voice',
  'video',
  'emoticon',
  'card',
  'link',
  'music',
  'file',
  'mini-program',
  'quote',
  'transfer',
  'red-packet',
  'location-share',
  'chat-history',
  'friend-request',
  'possible-friend',
  'recall',
  'system',
  'voip',
  'unsupported',
  'unknown',
] as const satisfies readonly ChatMessageKind[];

/** Every `MessageKind`, for validating plugin queries like `'message:image'`. */
export const MESSAGE_KINDS = [...CHAT_MESSAGE_KINDS, 'status-notify'] as const satisfies readonly MessageKind[];

// Compile-time guard: a kind added to the union but not to the list stops the build.
type MissingKind = Exclude<MessageKind, (typeof MESSAGE_KINDS)[number]>;
export const MESSAGE_KINDS_EXHAUSTIVE: [MissingKind] extends [never] ? true : never = true;

const KIND_SET: ReadonlySet<string> = new Set(MESSAGE_KINDS);

export function isMessageKind(value: string): value is MessageKind {
  return KIND_SET.has(value);
}

/** False for internal entries (`status-notify`) that the runtime must not dispatch to plugins. */
export function isChatMessage(message: Message): message is ChatMessage {
  return message.kind !== 'status-notify';
}
