/** Messages other people send (sim.send): each kind in the real server's wire shape. */

import type { Engine } from './engine.js';
import { fakeJpeg, fakeMp3, fakeMp4 } from './media.js';
import { encodeChatText, encodeXmlContent, escapeHtml } from './wire/content.js';
import { wireText } from './wire/contact.js';
import { systemText } from './wire/system.js';

export type IncomingKind =
  | 'text'
  | 'image'
  | 'voice'
  | 'video'
  | 'emoticon'
  | 'card'
  | 'location'
  | 'link'
  | 'file'
  | 'mini-program'
  | 'transfer'
  | 'red-packet'
  | 'recall'
  | 'system';

export interface SendSpec {
  /** Stable id of the sender. */
  from: string;
  /** Room stable id for room messages. */
  room?: string;
  /** Peer for self-sent (phone) messages; otherwise self. */
  to?: string;
  kind: IncomingKind;
  text?: string;
  /** Bytes for image/voice/video/file (generated when absent). */
  data?: Buffer | Uint8Array;
  /** Size of generated media in bytes. */
  size?: number;
  fileName?: string;
  /** voice: milliseconds; video: seconds. */
  duration?: number;
  title?: string;
  description?: string;
  url?: string;
  /** card: the stable id of the person recommended. */
  card?: string;
  /** location */
  lat?: number;
  lng?: number;
  label?: string;
  poiName?: string;
  /** recall: the MsgId being recalled. */
  msgId?: string;
  /** transfer: amount text, e.g. '￥0.01'. */
  amount?: string;
  appName?: string;
}

export const INCOMING_KINDS: readonly IncomingKind[] = [
  'text',
  'image',
  'voice',
  'video',
  'emoticon',
  'card',
  'location',
  'link',
  'file',
  'mini-program',
  'transfer',
  'red-packet',
  'recall',
  'system',
];

function appMsgXml(inner: string, appId: string, from: string, appName: string): string {
  return (
    `<msg><appmsg appid="${appId}" sdkver="0">${inner}</appmsg><fromusername>${from}</fromusername>` +
    `<scene>0</scene><appinfo><version>1</version><appname>${escapeHtml(appName)}</appname></appinfo><commenturl></commenturl></msg>`
  );
}

export function sendIncoming(engine: Engine, spec: SendSpec): string {
  const world = engine.world;
  const self = world.self.wxid;
  const sender = world.requirePerson(spec.from, 'send.from');
  if (!INCOMING_KINDS.includes(spec.kind))
    throw new Error(`send.kind: expected one of ${INCOMING_KINDS.join(', ')}, got ${JSON.stringify(spec.kind)}`);
  let target: string;
  if (spec.room !== undefined) {
    const room = world.requireRoom(spec.room, 'send.room');
    if (!room.members.has(spec.from)) throw new Error(`send: "${spec.from}" is not a member of room "${spec.room}"`);
    target = spec.room;
  } else if (spec.from === self) target = spec.to ?? 'filehelper';
  else target = self;
  if (spec.from === self) world.requirePerson(target.endsWith('@chatroom') ? self : target, 'send.to');
  const base = {
    from: spec.from,
    to: target,
    ...(spec.room !== undefined && spec.from !== self ? { roomSender: spec.from } : {}),
  };
  const rng = engine.mediaRng;
  const bytes = (fallback: () => Buffer): Buffer => (spec.data ? Buffer.from(spec.data) : fallback());
  const md5 = engine.ids.md5();
  switch (spec.kind) {
    case 'text':
      return engine.emit({ ...base, msgType: 1, content: encodeChatText(spec.text ?? '') });
    case 'image': {
      const data = bytes(() => fakeJpeg(rng, spec.size ?? 8192));
      const xml =
        `<?xml version="1.0"?>\n<msg>\n\t<img aeskey="${md5}" encryver="1" cdnthumbaeskey="${md5}" cdnthumburl="" cdnthumblength="512" ` +
        `cdnthumbheight="100" cdnthumbwidth="75" cdnmidheight="0" cdnmidwidth="0" cdnhdheight="0" cdnhdwidth="0" ` +
        `cdnmidimgurl="" length="${data.length}" md5="${md5}" />\n</msg>\n`;
      return engine.emit({
        ...base,
        msgType: 3,
        content: encodeXmlContent(xml),
        imgStatus: 2,
        imgHeight: 100,
        imgWidth: 75,
        media: { data, contentType: 'image/jpeg', fileName: spec.fileName ?? 'image.jpg' },
        thumb: { data: fakeJpeg(rng, 512), contentType: 'image/jpeg', fileName: 'thumb.jpg' },
      });
    }
    case 'voice': {
      const data = bytes(() => fakeMp3(rng, spec.size ?? 4096));
      const ms = spec.duration ?? 2000;
      const xml =
        `<msg><voicemsg endflag="1" cancelflag="0" forwardflag="0" voiceformat="4" voicelength="${ms}" length="${data.length}" ` +
        `bufid="${engine.ids.msgId()}" clientmsgid="${md5}" fromusername="${spec.from}" /></msg>`;
      return engine.emit({
        ...base,
        msgType: 34,
        content: encodeXmlContent(xml),
        voiceLength: ms,
        media: { data, contentType: 'audio/mp3', fileName: 'voice.mp3' },
      });
    }
    case 'video': {
      const data = bytes(() => fakeMp4(rng, spec.size ?? 65536));
      const sec = spec.duration ?? 5;
      const xml =
        `<?xml version="1.0"?>\n<msg>\n\t<videomsg aeskey="${md5}" cdnthumbaeskey="${md5}" cdnvideourl="" cdnthumburl="" ` +
        `length="${data.length}" playlength="${sec}" cdnthumblength="512" cdnthumbwidth="200" cdnthumbheight="400" ` +
        `fromusername="${spec.from}" md5="${md5}" newmd5="${md5}" isad="0" />\n</msg>\n`;
      return engine.emit({
        ...base,
        msgType: 43,
        content: encodeXmlContent(xml),
        playLength: sec,
        imgHeight: 400,
        imgWidth: 200,
        media: { data, contentType: 'video/mp4', fileName: 'video.mp4' },
        thumb: { data: fakeJpeg(rng, 512), contentType: 'image/jpeg', fileName: 'thumb.jpg' },
      });
    }
    case 'emoticon': {
      const len = spec.size ?? 2048;
      const xml =
        `<msg><emoji fromusername="${spec.from}" tousername="${target}" type="2" idbuffer="media:0_0" md5="${md5}" len="${len}" ` +
        `productid="" androidmd5="${md5}" androidlen="${len}" s60v3md5="${md5}" s60v3len="${len}" s60v5md5="${md5}" ` +
        `s60v5len="${len}" cdnurl="http://emoji.qpic.cn/wx_emoji/${md5}/" designerid="" thumburl="" ` +
        `encrypturl="http://emoji.qpic.cn/wx_emoji/${md5}e/" aeskey="${md5}" externurl="" externmd5="" width="80" height="80" ` +
        `tpurl="" tpauthkey="" attachedtext="" attachedtextcolor="" lensid=""></emoji></msg>`;
      return engine.emit({
        ...base,
        msgType: 47,
        content: encodeXmlContent(xml),
        imgStatus: 2,
        imgHeight: 80,
        imgWidth: 80,
        media: { data: bytes(() => fakeJpeg(rng, len)), contentType: 'image/gif', fileName: 'emoticon.gif' },
      });
    }
    case 'card': {
      const card = world.requirePerson(spec.card ?? '', 'send.card');
      const s = engine.live();
      const xml =
        `<?xml version="1.0"?>\n<msg bigheadimgurl="" smallheadimgurl="" username="${engine.ids.encryptUserName()}" ` +
        `nickname="${escapeHtml(card.nickName)}"  shortpy="" alias="${escapeHtml(card.alias)}" imagestatus="3" scene="17" ` +
        `province="${escapeHtml(card.province)}" city="${escapeHtml(card.city)}" sign="${escapeHtml(card.signature)}" sex="${card.sex}" ` +
        `certflag="0" certinfo="" brandIconUrl="" brandHomeUrl="" brandSubscriptConfigUrl="" brandFlags="0" regionCode="" ` +
        `antispamticket="${engine.ids.verifyTicket()}" />\n`;
      return engine.emit({
        ...base,
        msgType: 42,
        content: encodeXmlContent(xml),
        recommendInfo: {
          UserName: s ? s.userNameOf(card.wxid) : '',
          NickName: wireText(card.nickName),
          QQNum: 0,
          Province: card.province,
          City: card.city,
          Content: '',
          Signature: wireText(card.signature),
          Alias: card.alias,
          Scene: 17,
          VerifyFlag: card.verifyFlag,
          AttrStatus: 32,
          Sex: card.sex,
          Ticket: '',
          OpCode: 0,
        },
      });
    }
    case 'location': {
      const lat = (spec.lat ?? 22.543096).toFixed(6);
      const lng = (spec.lng ?? 114.057865).toFixed(6);
      const label = spec.label ?? '广东省深圳市福田区';
      const poi = spec.poiName ?? '[位置]';
      const msgId = engine.ids.msgId();
      const ori =
        `<?xml version="1.0"?>\n<msg>\n\t<location x="${lat}" y="${lng}" scale="16" label="${escapeHtml(label)}" ` +
        `maptype="0" poiname="${escapeHtml(poi)}" poiid="" />\n</msg>\n`;
      // Location is MsgType 1 with SubMsgType 48: the label, then a thumbnail path.
      return engine.emit({
        ...base,
        msgId,
        msgType: 1,
        subMsgType: 48,
        content: `${escapeHtml(label)}:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=${msgId}&pictype=location`,
        url: `http://apis.map.qq.com/uri/v1/geocoder?coord=${lat},${lng}`,
        oriContent: ori,
      });
    }
    case 'link': {
      const title = spec.title ?? 'A link';
      const url = spec.url ?? 'https://example.com/';
      const inner =
        `<title>${escapeHtml(title)}</title><des>${escapeHtml(spec.description ?? '')}</des><action></action><type>5</type>` +
        `<showtype>0</showtype><content></content><url>${escapeHtml(url)}</url><lowurl></lowurl><appattach><totallen>0</totallen>` +
        `<attachid></attachid><fileext></fileext></appattach><extinfo></extinfo><thumburl></thumburl>`;
      return engine.emit({
        ...base,
        msgType: 49,
        appMsgType: 5,
        content: encodeXmlContent(appMsgXml(inner, '', spec.from, spec.appName ?? '')),
        fileName: escapeHtml(title),
        url: escapeHtml(url),
      });
    }
    case 'file': {
      const data = bytes(() => fakeJpeg(rng, spec.size ?? 1024));
      const name = spec.fileName ?? 'file.bin';
      const mediaId = engine.ids.mediaId();
      engine.keepMedia(mediaId, { data, contentType: 'application/octet-stream', fileName: name });
      const ext = name.includes('.') ? name.split('.').pop()! : '';
      const inner =
        `<title>${escapeHtml(name)}</title><des></des><action>view</action><type>6</type><showtype>0</showtype><content></content>` +
        `<url></url><dataurl></dataurl><lowurl></lowurl><lowdataurl></lowdataurl><thumburl></thumburl><appattach>` +
        `<totallen>${data.length}</totallen><attachid>${mediaId}</attachid><emoticonmd5></emoticonmd5><fileext>${escapeHtml(ext)}</fileext>` +
        `</appattach><md5>${md5}</md5>`;
      return engine.emit({
        ...base,
        msgType: 49,
        appMsgType: 6,
        content: encodeXmlContent(appMsgXml(inner, 'wx6618f1cfc6c132f8', spec.from, '微信电脑版')),
        fileName: escapeHtml(name),
        fileSize: String(data.length),
        mediaId,
        encryFileName: encodeURIComponent(name).replace(/\./g, '%2E'),
        appInfo: { AppID: 'wx6618f1cfc6c132f8', Type: 0 },
        media: { data, contentType: 'application/octet-stream', fileName: name },
      });
    }
    case 'mini-program': {
      const title = spec.title ?? '小程序';
      const inner =
        `<title>${escapeHtml(title)}</title><des>${escapeHtml(spec.description ?? '')}</des><type>33</type>` +
        `<url>${escapeHtml(spec.url ?? 'https://mp.weixin.qq.com/mp/waerrpage?appid=wx0000000000000000&type=upgrade')}</url>` +
        `<sourceusername>gh_${md5.slice(0, 12)}@app</sourceusername><sourcedisplayname>${escapeHtml(spec.appName ?? title)}</sourcedisplayname>` +
        `<weappinfo><username>gh_${md5.slice(0, 12)}@app</username><appid>wx${md5.slice(0, 16)}</appid><type>2</type>` +
        `<pagepath>pages/index/index.html</pagepath></weappinfo>`;
      return engine.emit({
        ...base,
        msgType: 49,
        appMsgType: 33,
        content: encodeXmlContent(appMsgXml(inner, '', spec.from, '')),
        fileName: escapeHtml(title),
      });
    }
    case 'transfer': {
      const amount = spec.amount ?? '￥0.01';
      const inner =
        `<title>微信转账</title><des>收到转账${escapeHtml(amount)}元。如需收钱，请点此升级至最新版本</des><type>2000</type>` +
        `<url>https://support.weixin.qq.com/cgi-bin/mmsupport-bin/readtemplate?t=page/common_page__upgrade</url>` +
        `<wcpayinfo><paysubtype>1</paysubtype><feedesc>${escapeHtml(amount)}</feedesc><transcationid>${md5}</transcationid>` +
        `<transferid>${engine.ids.msgId()}</transferid><invalidtime>${Math.floor(Date.now() / 1000) + 86400}</invalidtime></wcpayinfo>`;
      return engine.emit({
        ...base,
        msgType: 49,
        appMsgType: 2000,
        content: encodeXmlContent(appMsgXml(inner, '', spec.from, '')),
        fileName: '微信转账',
      });
    }
    case 'red-packet':
      // The web client never sees the packet itself, only this notice.
      return engine.system(spec.room, spec.from, systemText.redPacket(world.lang));
    case 'system':
      return engine.system(spec.room, spec.from, spec.text ?? '');
    case 'recall': {
      const old = engine.messages.get(spec.msgId ?? '');
      if (!old || old.from !== spec.from)
        throw new Error(`send.msgId: "${spec.msgId ?? ''}" is not a message from "${spec.from}"`);
      engine.messages.delete(old.msgId);
      const replace = systemText.recalled(spec.from === self ? null : world.displayName(sender.wxid), world.lang);
      const session = spec.room ?? (spec.from === self ? target : spec.from);
      const xml =
        `<sysmsg type="revokemsg">\n\t<revokemsg>\n\t\t<session>${session}</session>\n\t\t<oldmsgid>${old.createTime}</oldmsgid>\n` +
        `\t\t<msgid>${old.msgId}</msgid>\n\t\t<replacemsg><![CDATA[${replace}]]></replacemsg>\n\t</revokemsg>\n</sysmsg>\n`;
      return engine.emit({ ...base, msgType: 10002, content: encodeXmlContent(xml), status: 4 });
    }
  }
}
