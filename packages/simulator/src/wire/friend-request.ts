/** The MsgType 37 message a friend request arrives as: its XML content and RecommendInfo. */

import type { Person } from '../world/world.js';
import { encodeXmlContent, escapeHtml } from './content.js';
import { wireText } from './contact.js';
import type { RecommendInfo } from './message.js';

export interface FriendRequestWire {
  /** Encoded Content of the message. */
  content: string;
  /** RecommendInfo; `UserName` is the session's and is filled in per session. */
  recommendInfo: RecommendInfo;
}

export function friendRequestWire(
  p: Person,
  o: { text: string; scene: number; ticket: string; encryptUserName: string; brandVer: number },
): FriendRequestWire {
  const xml =
    `<msg fromusername="${p.wxid}" encryptusername="${o.encryptUserName}" fromnickname="${escapeHtml(p.nickName)}" ` +
    `content="${escapeHtml(o.text)}"  shortpy="${p.nickName.toUpperCase().replace(/[^A-Z]/g, '')}" imagestatus="3" scene="${o.scene}" ` +
    `country="CN" province="${escapeHtml(p.province)}" city="${escapeHtml(p.city)}" sign="${escapeHtml(p.signature)}" percard="1" ` +
    `sex="${p.sex}" alias="${escapeHtml(p.alias)}" weibo="" weibonickname="" albumflag="0" albumstyle="0" albumbgimgid="" ` +
    `snsflag="17" snsbgimgid="" snsbgobjectid="0" mhash="" mfullhash="" bigheadimgurl="" smallheadimgurl="" ` +
    `ticket="${o.ticket}" opcode="2" googlecontact="" qrticket="" chatroomusername="" sourceusername="" sourcenickname="">` +
    `<brandlist count="0" ver="${o.brandVer}"></brandlist></msg>`;
  return {
    content: encodeXmlContent(xml),
    recommendInfo: {
      UserName: '',
      NickName: wireText(p.nickName),
      QQNum: 0,
      Province: p.province,
      City: p.city,
      Content: o.text,
      Signature: wireText(p.signature),
      Alias: p.alias,
      Scene: o.scene,
      VerifyFlag: 0,
      AttrStatus: 233251,
      Sex: p.sex,
      Ticket: o.ticket,
      OpCode: 2,
    },
  };
}
