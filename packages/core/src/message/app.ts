import { optNum, optStr, plainBase, str, type Envelope } from './envelope.js';
import { NO_MENTIONS, findMentions } from './mentions.js';
import { cleanText } from './text.js';
import type {
  AppMessageFields,
  Article,
  ChatHistoryMessage,
  EmoticonMessage,
  FileMessage,
  LinkMessage,
  LocationShareMessage,
  Message,
  MiniProgramMessage,
  MusicMessage,
  QuoteMessage,
  RedPacketMessage,
  TransferMessage,
  UnknownMessage,
  UnsupportedMessage,
} from './types.js';
import { attr, child, childText, children, parseContentXml, path, toInt, type XmlValue } from './xml.js';

/** MsgType 49 sub-types; defined with the other wire codes, re-exported here where app messages are read. */
export { AppMsgType } from '../wire/msg-type.js';
import { AppMsgType } from '../wire/msg-type.js';

function appFields(env: Envelope, appmsg: XmlValue | undefined, root: XmlValue | undefined): AppMessageFields {
  const raw = env.record;
  const title = cleanText(childText(appmsg, 'title') ?? str(raw.FileName));
  const url = childText(appmsg, 'url') ?? str(raw.Url);
  const appInfo = raw.AppInfo;
  const rawAppId =
    typeof appInfo === 'object' && appInfo !== null ? optStr((appInfo as Record<string, unknown>).AppID) : undefined;
  return {
    title,
    description: cleanText(childText(appmsg, 'des') ?? ''),
    url: cleanText(url),
    thumbUrl: childText(appmsg, 'thumburl'),
    appId: attr(appmsg, 'appid') ?? rawAppId,
    appName: childText(root, 'appinfo', 'appname'),
  };
}

function articles(appmsg: XmlValue | undefined, fields: AppMessageFields): Article[] {
  const items = children(path(appmsg, 'mmreader', 'category'), 'item');
  if (items.length > 0) {
    return items.map((item) => ({
      title: cleanText(childText(item, 'title') ?? ''),
      url: childText(item, 'url') ?? '',
      description: cleanText(childText(item, 'digest') ?? ''),
      coverUrl: childText(item, 'cover'),
    }));
  }
  if (fields.title === '' && fields.url === '') return [];
  return [{ title: fields.title, url: fields.url, description: fields.description, coverUrl: fields.thumbUrl }];
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && dot < fileName.length - 1 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** Builds the message for MsgType 49. Unparsable XML degrades to the wire fields (FileName, Url). */
export function buildAppMessage(env: Envelope): Message {
  const root = parseContentXml(env.body);
  const msg = child(root, 'msg');
  const appmsg = child(msg, 'appmsg');
  const xmlType = toInt(childText(appmsg, 'type'));
  const type = env.appMsgType !== 0 || xmlType === undefined ? env.appMsgType : xmlType;
  const fields = appFields(env, appmsg, msg);
  // One literal (kinds spread it first, which V8 clones fast); the field order is the one the spreads gave.
  const common = {
    id: env.id,
    msgType: env.msgType,
    appMsgType: type,
    chat: env.chat,
    sender: env.sender,
    to: env.to,
    createdAt: env.createdAt,
    isSelf: env.isSelf,
    raw: env.raw,
    title: fields.title,
    description: fields.description,
    url: fields.url,
    thumbUrl: fields.thumbUrl,
    appId: fields.appId,
    appName: fields.appName,
    mentions: NO_MENTIONS.mentions,
    mentionNames: NO_MENTIONS.mentionNames,
    mentionsSelf: false,
  };
  const raw = env.record;

  switch (type) {
    case AppMsgType.link: {
      const list = articles(appmsg, fields);
      const first = list[0];
      const m: LinkMessage = {
        ...common,
        kind: 'link',
        text: fields.title !== '' ? fields.title : (first?.title ?? ''),
        articles: list,
        sourceUserName: childText(appmsg, 'sourceusername'),
        sourceDisplayName: childText(appmsg, 'sourcedisplayname'),
      };
      return m;
    }
    case AppMsgType.music: {
      const m: MusicMessage = {
        ...common,
        kind: 'music',
        text: fields.title,
        dataUrl: childText(appmsg, 'dataurl') ?? childText(appmsg, 'lowdataurl'),
      };
      return m;
    }
    case AppMsgType.file: {
      const attach = child(appmsg, 'appattach');
      const fileName = cleanText(str(raw.FileName)) || fields.title;
      const m: FileMessage = {
        ...common,
        kind: 'file',
        text: fileName,
        fileName,
        sizeBytes: optNum(raw.FileSize) ?? toInt(childText(attach, 'totallen')),
        extension: (childText(attach, 'fileext') ?? extensionOf(fileName)).toLowerCase(),
        mediaId: str(raw.MediaId),
        attachId: childText(attach, 'attachid'),
        md5: childText(appmsg, 'md5'),
        encryFileName: optStr(raw.EncryFileName),
      };
      return m;
    }
    case AppMsgType.emoji: {
      const attach = child(appmsg, 'appattach');
      const m: EmoticonMessage = {
        ...plainBase(env),
        appMsgType: type,
        kind: 'emoticon',
        text: '',
        md5: childText(attach, 'emoticonmd5') ?? childText(appmsg, 'md5'),
        cdnUrl: childText(attach, 'cdnattachurl') ?? optStr(fields.url),
        sizeBytes: toInt(childText(attach, 'totallen')),
        width: optNum(raw.ImgWidth),
        height: optNum(raw.ImgHeight),
        productId: undefined,
      };
      return m;
    }
    case AppMsgType.locationShare: {
      const m: LocationShareMessage = { ...common, kind: 'location-share', text: fields.title };
      return m;
    }
    case AppMsgType.chatHistory: {
      const record = childText(appmsg, 'recorditem') ?? '';
      const count = /<datalist\s+count=["']?(\d{1,6})/.exec(record);
      const m: ChatHistoryMessage = {
        ...common,
        kind: 'chat-history',
        text: fields.title,
        itemCount: count !== null ? toInt(count[1]) : undefined,
      };
      return m;
    }
    case AppMsgType.miniProgram:
    case AppMsgType.miniProgramAlt: {
      const weapp = child(appmsg, 'weappinfo');
      const m: MiniProgramMessage = {
        ...common,
        kind: 'mini-program',
        text: fields.title,
        programUserName: childText(weapp, 'username'),
        pagePath: childText(weapp, 'pagepath'),
        sourceDisplayName: childText(appmsg, 'sourcedisplayname'),
        iconUrl: childText(weapp, 'weappiconurl'),
      };
      return m;
    }
    case AppMsgType.quote: {
      const refer = child(appmsg, 'refermsg');
      const reply = fields.title;
      const room = env.room;
      const mentions = env.chat.isRoom && reply.includes('@') ? findMentions(reply, room, env.directory) : NO_MENTIONS;
      const m: QuoteMessage = {
        ...common,
        ...mentions,
        kind: 'quote',
        text: reply,
        quoted: {
          id: childText(refer, 'svrid'),
          senderUserName: childText(refer, 'chatusr') ?? childText(refer, 'fromusr'),
          senderName: childText(refer, 'displayname'),
          text: cleanText(childText(refer, 'content') ?? ''),
          msgType: toInt(childText(refer, 'type')),
        },
      };
      return m;
    }
    case AppMsgType.transfer: {
      const pay = child(appmsg, 'wcpayinfo');
      const m: TransferMessage = {
        ...common,
        kind: 'transfer',
        text: fields.title !== '' ? fields.title : fields.description,
        amount: childText(pay, 'feedesc'),
        memo: childText(pay, 'pay_memo'),
        transferId: childText(pay, 'transferid'),
        paySubType: toInt(childText(pay, 'paysubtype')),
        actionable: false,
      };
      return m;
    }
    case AppMsgType.redPacket: {
      const m: RedPacketMessage = { ...common, kind: 'red-packet', text: fields.title, actionable: false };
      return m;
    }
    case AppMsgType.unsupported: {
      const m: UnsupportedMessage = {
        ...plainBase(env),
        appMsgType: type,
        kind: 'unsupported',
        text: fields.title !== '' ? fields.title : cleanText(env.body),
        title: fields.title,
      };
      return m;
    }
    default: {
      const m: UnknownMessage = {
        ...plainBase(env),
        appMsgType: type,
        kind: 'unknown',
        text: fields.title,
        reason: 'unrecognised-app-type',
        app: fields,
      };
      return m;
    }
  }
}
