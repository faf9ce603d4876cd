/** AddMsgList entries: every field the real server sends, with MsgId a string and NewMsgId an exact big number. */

import { RawNumber, type WireObject, type WireValue } from './json.js';

export interface RecommendInfo {
  UserName: string;
  NickName: string;
  QQNum: number;
  Province: string;
  City: string;
  Content: string;
  Signature: string;
  Alias: string;
  Scene: number;
  VerifyFlag: number;
  AttrStatus: number;
  Sex: number;
  Ticket: string;
  OpCode: number;
}

export function emptyRecommendInfo(): RecommendInfo {
  return {
    UserName: '',
    NickName: '',
    QQNum: 0,
    Province: '',
    City: '',
    Content: '',
    Signature: '',
    Alias: '',
    Scene: 0,
    VerifyFlag: 0,
    AttrStatus: 0,
    Sex: 0,
    Ticket: '',
    OpCode: 0,
  };
}

export interface MessageFields {
  msgId: string;
  from: string;
  to: string;
  msgType: number;
  content: string;
  createTime: number;
  status?: number;
  imgStatus?: number;
  voiceLength?: number;
  playLength?: number;
  fileName?: string;
  fileSize?: string;
  mediaId?: string;
  url?: string;
  appMsgType?: number;
  statusNotifyCode?: number;
  statusNotifyUserName?: string;
  recommendInfo?: RecommendInfo;
  appInfo?: { AppID: string; Type: number };
  ticket?: string;
  imgHeight?: number;
  imgWidth?: number;
  subMsgType?: number;
  oriContent?: string;
  encryFileName?: string;
  /** System notices carry NewMsgId 0 in some captures; others echo MsgId. */
  newMsgIdZero?: boolean;
}

export function messageEntry(f: MessageFields): WireObject {
  const entry: Record<string, WireValue> = {
    MsgId: f.msgId,
    FromUserName: f.from,
    ToUserName: f.to,
    MsgType: f.msgType,
    Content: f.content,
    Status: f.status ?? 3,
    ImgStatus: f.imgStatus ?? 1,
    CreateTime: f.createTime,
    VoiceLength: f.voiceLength ?? 0,
    PlayLength: f.playLength ?? 0,
    FileName: f.fileName ?? '',
    FileSize: f.fileSize ?? '',
    MediaId: f.mediaId ?? '',
    Url: f.url ?? '',
    AppMsgType: f.appMsgType ?? 0,
    StatusNotifyCode: f.statusNotifyCode ?? 0,
    StatusNotifyUserName: f.statusNotifyUserName ?? '',
    RecommendInfo: { ...(f.recommendInfo ?? emptyRecommendInfo()) },
    ForwardFlag: 0,
    AppInfo: { ...(f.appInfo ?? { AppID: '', Type: 0 }) },
    HasProductId: 0,
    Ticket: f.ticket ?? '',
    ImgHeight: f.imgHeight ?? 0,
    ImgWidth: f.imgWidth ?? 0,
    SubMsgType: f.subMsgType ?? 0,
    NewMsgId: new RawNumber(f.newMsgIdZero ? '0' : f.msgId),
    OriContent: f.oriContent ?? '',
    EncryFileName: f.encryFileName ?? '',
  };
  return entry;
}
