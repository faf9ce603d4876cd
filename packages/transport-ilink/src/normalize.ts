/**
 * iLink messages → core's `Message` kinds, so plugins written for the Web transport read them the
 * same way. Chats and senders are the iLink user ids, which are stable: `userName` and `stableId`
 * are the same string. Direct chats only: the protocol's `group_id` is kept in `raw` but a message
 * is always filed under its sender.
 */
import type { ChatRef, Contact, Message, RawContact, RawMessage, SenderRef } from '@wxbot/core';

import { ItemType, MessageType, type MessageItem, type WeixinMessage } from './wire.js';

/** A contact for an iLink user id: no names are known beyond the id. */
export function ilinkContact(userId: string, kind: 'friend' | 'self'): Contact {
  const raw: RawContact = { UserName: userId, NickName: userId };
  return {
    userName: userId,
    stableId: userId,
    stableIdConfidence: 'wxid',
    kind,
    nickName: userId,
    remarkName: '',
    alias: '',
    raw,
  };
}

/** The item that decides the kind: the first media item, else the first text item. */
function mainItem(items: readonly MessageItem[]): MessageItem | undefined {
  return (
    items.find((i) => i.type !== undefined && i.type !== ItemType.TEXT && i.type <= ItemType.VIDEO) ??
    items.find((i) => i.type === ItemType.TEXT)
  );
}

function textOf(items: readonly MessageItem[]): string {
  return items
    .filter((i) => i.type === ItemType.TEXT)
    .map((i) => i.text_item?.text ?? '')
    .join('');
}

function quotedText(item: MessageItem | undefined): string {
  if (!item) return '';
  if (item.type === ItemType.TEXT) return item.text_item?.text ?? '';
  if (item.type === ItemType.VOICE) return item.voice_item?.text ?? '';
  if (item.type === ItemType.FILE) return item.file_item?.file_name ?? '';
  return '';
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

const NO_APP = { description: '', url: '', thumbUrl: undefined, appId: undefined, appName: undefined } as const;

export interface NormalizeOptions {
  readonly id: string;
  readonly botId: string;
  readonly contact: (userId: string) => Contact;
}

/**
 * `raw` is core's Web wire shape; the iLink original rides along (`ilink`) so nothing is lost, and the
 * Web fields carry what a Web-minded plugin would look for.
 */
export function normalizeIlink(m: WeixinMessage, opts: NormalizeOptions): Message {
  const items = m.item_list ?? [];
  const from = m.from_user_id ?? '';
  const isSelf = m.message_type === MessageType.BOT || from === opts.botId;
  const peer = isSelf ? (m.to_user_id ?? '') : from;
  const contact = opts.contact(peer);
  const chat: ChatRef = {
    userName: peer,
    isRoom: false,
    contact,
    room: undefined,
    stableId: peer,
    name: undefined,
  };
  const sender: SenderRef = {
    userName: from,
    contact: isSelf ? undefined : contact,
    member: undefined,
    stableId: from,
    name: undefined,
    isSelf,
  };
  const item = mainItem(items);
  const type = item?.type ?? 0;
  const text = textOf(items);
  const createdMs = m.create_time_ms ?? Date.now();
  const raw: RawMessage & { ilink: WeixinMessage } = {
    MsgId: opts.id,
    FromUserName: from,
    ToUserName: m.to_user_id ?? '',
    MsgType: type,
    Content: text,
    CreateTime: Math.floor(createdMs / 1000),
    ilink: m,
  };
  const base = {
    id: opts.id,
    msgType: type,
    appMsgType: 0,
    chat,
    sender,
    to: m.to_user_id ?? '',
    createdAt: new Date(createdMs),
    isSelf,
    mentions: [],
    mentionNames: [],
    mentionsSelf: false,
    raw,
  } as const;

  if (!item) return { ...base, kind: 'unknown', text, reason: 'unrecognised-type', app: undefined };
  switch (item.type) {
    case ItemType.TEXT: {
      const ref = items.find((i) => i.ref_msg)?.ref_msg;
      if (!ref) return { ...base, kind: 'text', text };
      const refItem = ref.message_item;
      return {
        ...base,
        kind: 'quote',
        text,
        title: text,
        ...NO_APP,
        quoted: {
          id: ref.svr_id ?? refItem?.msg_id,
          senderUserName: undefined,
          senderName: undefined,
          text: quotedText(refItem) || (ref.title ?? ''),
          msgType: refItem?.type,
        },
      };
    }
    case ItemType.IMAGE: {
      const img = item.image_item ?? {};
      return {
        ...base,
        kind: 'image',
        text: '',
        width: img.thumb_width,
        height: img.thumb_height,
        sizeBytes: img.mid_size,
        md5: undefined,
      };
    }
    case ItemType.VOICE:
      // The server's transcript is the voice's text: a keyword plugin answers a spoken keyword.
      return { ...base, kind: 'voice', text: item.voice_item?.text ?? '', durationMs: item.voice_item?.playtime };
    case ItemType.FILE: {
      const f = item.file_item ?? {};
      const fileName = f.file_name ?? 'file';
      const size = f.len === undefined ? undefined : Number.parseInt(f.len, 10);
      return {
        ...base,
        kind: 'file',
        text: '',
        title: fileName,
        ...NO_APP,
        fileName,
        sizeBytes: size === undefined || Number.isNaN(size) ? undefined : size,
        extension: extensionOf(fileName),
        mediaId: item.msg_id ?? opts.id,
        attachId: undefined,
        md5: f.md5,
        encryFileName: undefined,
      };
    }
    case ItemType.VIDEO: {
      const v = item.video_item ?? {};
      return {
        ...base,
        kind: 'video',
        text: '',
        durationSeconds: v.play_length,
        width: v.thumb_width,
        height: v.thumb_height,
        isShortVideo: false,
      };
    }
    default:
      return { ...base, kind: 'unknown', text, reason: 'unrecognised-type', app: undefined };
  }
}

/** The iLink original of a normalised message (undefined for messages of other transports). */
export function ilinkOriginal(message: Message): WeixinMessage | undefined {
  const raw = message.raw as RawMessage & { ilink?: WeixinMessage };
  return raw.ilink;
}
