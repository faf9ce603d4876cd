/**
 * Raw Web WeChat wire shapes, as the server sends them (PascalCase keys).
 * Only the protocol layer and the normaliser read these; plugins see the
 * normalised types unless they ask for `raw`.
 *
 * Servers omit fields freely and older/newer builds disagree, so everything
 * beyond the identifying keys is optional.
 */

export interface BaseRequest {
  Uin: number;
  Sid: string;
  Skey: string;
  DeviceID: string;
}

export interface BaseResponse {
  Ret: number;
  ErrMsg?: string;
}

export interface SyncKeyItem {
  Key: number;
  Val: number;
}

export interface SyncKey {
  Count: number;
  List: SyncKeyItem[];
}

/** A member entry inside a room's `MemberList`. */
export interface RawMember {
  Uin?: number;
  UserName: string;
  NickName?: string;
  /** The member's name inside this room ("群昵称"); empty when unset. */
  DisplayName?: string;
  AttrStatus?: number;
  PYInitial?: string;
  PYQuanPin?: string;
  RemarkPYInitial?: string;
  RemarkPYQuanPin?: string;
  MemberStatus?: number;
  KeyWord?: string;
}

/** A contact as in webwxinit ContactList, webwxgetcontact MemberList, batchgetcontact ContactList and ModContactList. */
export interface RawContact {
  Uin?: number;
  UserName: string;
  NickName?: string;
  HeadImgUrl?: string;
  ContactFlag?: number;
  MemberCount?: number;
  MemberList?: RawMember[];
  RemarkName?: string;
  HideInputBarFlag?: number;
  Sex?: number;
  Signature?: string;
  /** `& 8` marks an official (public) account: 8 personal, 24 enterprise, 56 WeChat's own. */
  VerifyFlag?: number;
  OwnerUin?: number;
  PYInitial?: string;
  PYQuanPin?: string;
  RemarkPYInitial?: string;
  RemarkPYQuanPin?: string;
  StarFriend?: number;
  AppAccountFlag?: number;
  Statues?: number;
  AttrStatus?: number;
  Province?: string;
  City?: string;
  /** The user-chosen WeChat id (微信号); stable across logins when set. */
  Alias?: string;
  SnsFlag?: number;
  UniFriend?: number;
  DisplayName?: string;
  ChatRoomId?: number;
  KeyWord?: string;
  /** Rooms: a stable-ish room id; often empty outside batchgetcontact. */
  EncryChatRoomId?: string;
  IsOwner?: number;
  ContactType?: number;
  HeadImgUpdateFlag?: number;
  ChatRoomOwner?: string;
}

export interface RawRecommendInfo {
  UserName: string;
  NickName: string;
  QQNum?: number;
  Province?: string;
  City?: string;
  /** The verify text of a friend request. */
  Content: string;
  Signature?: string;
  Alias?: string;
  Scene: number;
  VerifyFlag?: number;
  AttrStatus?: number;
  Sex?: number;
  Ticket: string;
  OpCode: number;
}

/** One entry of webwxsync's AddMsgList. */
export interface RawMessage {
  /** Lossless id; prefer it over NewMsgId, which exceeds 2^53 and is corrupted by JSON.parse. */
  MsgId: string;
  FromUserName: string;
  ToUserName: string;
  MsgType: number;
  Content: string;
  Status?: number;
  ImgStatus?: number;
  CreateTime: number;
  VoiceLength?: number;
  PlayLength?: number;
  FileName?: string;
  FileSize?: string;
  MediaId?: string;
  Url?: string;
  AppMsgType?: number;
  StatusNotifyCode?: number;
  StatusNotifyUserName?: string;
  RecommendInfo?: RawRecommendInfo;
  ForwardFlag?: number;
  AppInfo?: { AppID: string; Type: number };
  HasProductId?: number;
  Ticket?: string;
  ImgHeight?: number;
  ImgWidth?: number;
  SubMsgType?: number;
  /** May arrive as a (precision-lost) number; never use it as an id. */
  NewMsgId?: number | string;
  OriContent?: string;
  EncryFileName?: string;
}

export interface RawModChatRoomMember {
  UserName: string;
  MemberCount?: number;
  MemberList?: RawMember[];
  [key: string]: unknown;
}

export interface RawDelContact {
  UserName: string;
  ContactFlag?: number;
}

export interface InitResponse {
  BaseResponse: BaseResponse;
  Count?: number;
  ContactList: RawContact[];
  SyncKey: SyncKey;
  User: RawContact;
  ChatSet?: string;
  SKey?: string;
  ClientVersion?: number;
  SystemTime?: number;
  GrayScale?: number;
  InviteStartCount?: number;
  MPSubscribeMsgCount?: number;
  MPSubscribeMsgList?: unknown[];
  ClickReportInterval?: number;
}

export interface GetContactResponse {
  BaseResponse: BaseResponse;
  MemberCount: number;
  MemberList: RawContact[];
  /** Non-zero: more pages; pass it back as `seq`. */
  Seq?: number;
}

export interface BatchGetContactResponse {
  BaseResponse: BaseResponse;
  Count: number;
  ContactList: RawContact[];
}

export interface SyncResponse {
  BaseResponse: BaseResponse;
  AddMsgCount?: number;
  AddMsgList?: RawMessage[];
  ModContactCount?: number;
  ModContactList?: RawContact[];
  DelContactCount?: number;
  DelContactList?: RawDelContact[];
  ModChatRoomMemberCount?: number;
  ModChatRoomMemberList?: RawModChatRoomMember[];
  Profile?: unknown;
  ContinueFlag?: number;
  SyncKey: SyncKey;
  /** Newer servers; when absent the client falls back to SyncKey for synccheck. */
  SyncCheckKey?: SyncKey;
  SKey?: string;
}

export interface SendMsgResponse {
  BaseResponse: BaseResponse;
  MsgID?: string;
  LocalID?: string;
}
