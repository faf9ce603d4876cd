import type { ActionRecord, Contact, ContactDirectory, Message, Room } from '@wxbot/core';

// What the API shows of the bot's state. Built field by field (never by spreading a core object), so
// nothing of the wire records (`raw`: tickets, EncryChatRoomId, ...) or the session can slip out; the
// route schemas then drop anything not declared on the way out.

/** A contact or room as the API shows it: `id` is the stable id when known, else the session UserName. */
export interface ContactView {
  readonly id: string;
  /** False when `id` is a session UserName, which changes at every login. */
  readonly stable: boolean;
  readonly kind: Contact['kind'];
  readonly name: string;
  readonly nickName: string;
  readonly remarkName: string;
  readonly memberCount?: number;
}

export interface MessageView {
  readonly id: string;
  readonly kind: string;
  readonly chat: { readonly id: string; readonly name: string; readonly isRoom: boolean };
  readonly sender: { readonly id: string; readonly name: string; readonly isSelf: boolean };
  readonly text: string;
  /** ISO time the server gives the message. */
  readonly createdAt: string;
  readonly sentByBot: boolean;
  readonly mentionsSelf: boolean;
}

export interface ActionView {
  readonly seq: number;
  readonly at: string;
  readonly action: string;
  /** Plugin that asked for it (`api`, `webhook` for the control plane); null when the bot itself did. */
  readonly plugin: string | null;
  /** Id of the message whose handling caused it. */
  readonly cause: string | null;
  readonly chat: { readonly id: string; readonly name: string };
  readonly content?: { readonly type: string; readonly text?: string; readonly name?: string };
  readonly status: ActionRecord['status'];
  readonly error?: string;
}

export function idOf(contact: Pick<Contact, 'stableId' | 'userName'>): string {
  return contact.stableId ?? contact.userName;
}

export function nameOf(contact: Contact): string {
  if (contact.kind === 'room') return (contact as Room).topic || contact.nickName || '(unnamed room)';
  return contact.remarkName || contact.nickName || contact.alias || idOf(contact);
}

export function contactView(contact: Contact): ContactView {
  return {
    id: idOf(contact),
    stable: contact.stableId !== undefined,
    kind: contact.kind,
    name: nameOf(contact),
    nickName: contact.nickName,
    remarkName: contact.remarkName,
    ...(contact.kind === 'room' ? { memberCount: (contact as Room).members.size } : {}),
  };
}

export function messageView(message: Message, sentByBot: boolean): MessageView {
  const { chat, sender } = message;
  return {
    id: message.id,
    kind: message.kind,
    chat: { id: chat.stableId ?? chat.userName, name: chat.name ?? '', isRoom: chat.isRoom },
    sender: { id: sender.stableId ?? sender.userName, name: sender.name ?? '', isSelf: sender.isSelf },
    text: message.text,
    createdAt: message.createdAt.toISOString(),
    sentByBot,
    mentionsSelf: message.mentionsSelf,
  };
}

export function actionView(record: ActionRecord, contacts: Pick<ContactDirectory, 'contact'> | undefined): ActionView {
  const target = contacts?.contact(record.target);
  const content = record.content;
  return {
    seq: record.seq,
    at: new Date(record.at).toISOString(),
    action: record.action,
    plugin: record.plugin ?? null,
    cause: record.cause ?? null,
    chat: {
      id: target === undefined ? record.target : idOf(target),
      name: record.targetName ?? (target === undefined ? '' : nameOf(target)),
    },
    ...(content === undefined
      ? {}
      : content.type === 'text'
        ? { content: { type: 'text', text: content.text } }
        : { content: { type: content.type, ...(content.name === undefined ? {} : { name: content.name }) } }),
    status: record.status,
    ...(record.error === undefined ? {} : { error: record.error }),
  };
}
