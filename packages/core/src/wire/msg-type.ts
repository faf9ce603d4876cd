/**
 * Named wire codes. The numbers are Web WeChat's; these names are ours, so a
 * reader finds every place that reads or builds a given MsgType by name.
 */

/** `MsgType` of a sync entry or an outgoing webwxsendmsg*. */
export const MsgType = {
  Text: 1,
  Image: 3,
  Voice: 34,
  FriendRequest: 37,
  PossibleFriend: 40,
  Card: 42,
  Video: 43,
  Emoticon: 47,
  Location: 48,
  /** An app message: link, file, mini program, ... (see AppMsgType). */
  App: 49,
  VoipMsg: 50,
  /** A status notification: not a chat message (see StatusNotifyCode). */
  StatusNotify: 51,
  VoipNotify: 52,
  VoipInvite: 53,
  ShortVideo: 62,
  SysNotice: 9999,
  System: 10000,
  Recalled: 10002,
} as const;

/** MsgType 49 sub-types (AppMsgType), as Web WeChat and the phone send them. */
export const AppMsgType = {
  unsupported: 0,
  text: 1,
  music: 3,
  link: 5,
  file: 6,
  emoji: 8,
  locationShare: 17,
  chatHistory: 19,
  miniProgram: 33,
  miniProgramAlt: 36,
  quote: 57,
  transfer: 2000,
  redPacket: 2001,
} as const;

/** `StatusNotifyCode` of a MsgType 51 entry (and of webwxstatusnotify requests). */
export const StatusNotifyCode = {
  /** Marks a chat read (webwxstatusnotify Code 1). */
  Read: 1,
  /** A chat was opened on another device. */
  Enter: 2,
  /** Sent once after webwxinit; also the invisible keep-alive. */
  Inited: 3,
  /** The sync of recent chats; carries the session-to-stable-id list. */
  SyncConv: 4,
} as const;
