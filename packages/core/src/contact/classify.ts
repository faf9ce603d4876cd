import type { RawContact } from '../wire/types.js';
import type { ContactKind } from './types.js';

/** Service accounts with fixed ids (the seeds' "特殊账号"); they are neither friends nor strangers. */
export const SPECIAL_USER_NAMES: ReadonlySet<string> = new Set([
  'filehelper',
  'newsapp',
  'fmessage',
  'weibo',
  'qqmail',
  'tmessage',
  'qmessage',
  'qqsync',
  'floatbottle',
  'lbsapp',
  'shakeapp',
  'medianote',
  'qqfriend',
  'readerapp',
  'blogapp',
  'facebookapp',
  'masssendapp',
  'meishiapp',
  'feedsapp',
  'voip',
  'blogappweixin',
  'weixin',
  'brandsessionholder',
  'weixinreminder',
  'officialaccounts',
  'notification_messages',
  'wxitil',
  'userexperience_alarm',
]);

/** VerifyFlag bit that marks official (public/service) accounts: 8, 24 and 56 all carry it. */
const VERIFY_FLAG_OFFICIAL = 8;
/** ContactFlag bit set on contacts in the address book (friends). */
const CONTACT_FLAG_FRIEND = 1;

export function isRoomUserName(userName: string): boolean {
  return userName.startsWith('@@') || userName.endsWith('@chatroom');
}

/**
 * Classifies a raw contact. `selfUserName` is the logged-in account's session
 * UserName. A `ContactFlag` without the friend bit (room members, people met in
 * rooms, senders of friend requests) makes a stranger.
 */
export function classifyContact(
  raw: Pick<RawContact, 'UserName' | 'VerifyFlag' | 'ContactFlag'>,
  selfUserName: string,
): ContactKind {
  const userName = raw.UserName;
  if (userName === selfUserName) return 'self';
  if (isRoomUserName(userName)) return 'room';
  if (SPECIAL_USER_NAMES.has(userName)) return 'special';
  if (((raw.VerifyFlag ?? 0) & VERIFY_FLAG_OFFICIAL) !== 0) return 'official';
  if (((raw.ContactFlag ?? 0) & CONTACT_FLAG_FRIEND) !== 0) return 'friend';
  return 'stranger';
}
