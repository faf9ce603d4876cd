/** The world a simulator serves: who the account is, who it knows, which rooms exist. */

export interface PersonSpec {
  /** Stable id: `wxid_...`, an old-style custom id, or `gh_...` for official accounts. */
  wxid: string;
  nickName: string;
  alias?: string;
  remarkName?: string;
  sex?: 0 | 1 | 2;
  signature?: string;
  province?: string;
  city?: string;
  /** 0 person; 8 personal official account; 24 company service account; 56 WeChat team. */
  verifyFlag?: number;
  starred?: boolean;
  pinned?: boolean;
}

export interface RoomMemberSpec {
  wxid: string;
  /** The member's alias inside this room. */
  displayName?: string;
}

export interface RoomSpec {
  /** Stable id: `<digits>@chatroom`. */
  id: string;
  topic: string;
  /** wxid of the owner; `self` may be written as the account's own wxid. Defaults to the first member. */
  owner?: string;
  /** Members by wxid (self included if the account is in the room). People not otherwise known become strangers. */
  members: (string | RoomMemberSpec)[];
  /** Saved to the address book: listed by webwxgetcontact (default true). */
  saved?: boolean;
  remarkName?: string;
  pinned?: boolean;
}

export interface SelfSpec {
  wxid: string;
  uin: number;
  nickName: string;
  alias?: string;
  sex?: 0 | 1 | 2;
  signature?: string;
  /** The account may not use web WeChat: webwxnewloginpage answers ret 1203 (desktop/UOS login still works). */
  webLoginForbidden?: boolean;
}

export interface WorldSpec {
  self: SelfSpec;
  friends?: PersonSpec[];
  /** Official accounts (VerifyFlag 8/24/56 unless set). */
  officialAccounts?: PersonSpec[];
  /** People known only as room members (not friends). */
  strangers?: PersonSpec[];
  rooms?: RoomSpec[];
  /** Special accounts present (default: filehelper, weixin, fmessage, newsapp). */
  specialAccounts?: string[];
  /** Recent chats, most recent first, by stable id: shape webwxinit's ContactList and the MsgType 51 list. */
  recentChats?: string[];
  /** Language of system messages (default zh). */
  lang?: 'zh' | 'en';
}
