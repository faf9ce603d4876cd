import type { ContactDirectory, Room } from '../contact/types.js';
import type { RawMessage } from '../wire/types.js';
import { NO_MENTIONS } from './mentions.js';
import type { ChatRef, MessageBase, SenderRef } from './types.js';

/** What every kind builder needs: the decoded envelope of one wire entry. */
export interface Envelope {
  readonly raw: RawMessage;
  readonly record: Readonly<Record<string, unknown>>;
  readonly id: string;
  readonly msgType: number;
  readonly appMsgType: number;
  readonly from: string;
  readonly to: string;
  /** Content as on the wire. */
  readonly content: string;
  /** Content with the room `@sender:<br/>` prefix removed (still escaped). */
  readonly body: string;
  readonly createdAt: Date;
  readonly chat: ChatRef;
  readonly sender: SenderRef;
  readonly room: Room | undefined;
  readonly isSelf: boolean;
  readonly directory: ContactDirectory;
}

/** Base fields and no mentions: what most kinds start from. */
export type PlainBase = Omit<MessageBase, 'kind' | 'text'>;

/**
 * The fields every kind shares, with empty mention fields, as one literal: kinds
 * build on it with `{ ...plainBase(env), kind, ... }`, a spread V8 clones
 * fast, where a second spread (`...NO_MENTIONS`) copied property by property.
 */
export function plainBase(env: Envelope): PlainBase {
  return {
    id: env.id,
    msgType: env.msgType,
    appMsgType: env.appMsgType,
    chat: env.chat,
    sender: env.sender,
    to: env.to,
    createdAt: env.createdAt,
    isSelf: env.isSelf,
    raw: env.raw,
    mentions: NO_MENTIONS.mentions,
    mentionNames: NO_MENTIONS.mentionNames,
    mentionsSelf: false,
  };
}

// Reading untrusted records: wrong types become empty values, never exceptions.
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return '';
}

export function num(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

export function optNum(value: unknown): number | undefined {
  const n = num(value);
  return n > 0 ? n : undefined;
}

export function optStr(value: unknown): string | undefined {
  const s = str(value);
  return s === '' ? undefined : s;
}

export function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
