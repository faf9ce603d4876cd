import type { RawContact } from '../wire/types.js';

/** What kind of account a contact is (see the seeds' "账号类型"). */
export type ContactKind = 'friend' | 'room' | 'official' | 'special' | 'self' | 'stranger';

/**
 * How sure we are that a `stableId` names the same account across logins. Strong: `wxid` (a MsgType
 * 51 pairing or an id that is its own), `alias`, `encry-room-id`. Medium: `remark-avatar` (the identity
 * ledger recognised the remark and the avatar of someone seen at an earlier login). Weak: `weak` (a
 * name only; two namesakes may swap). `strongStableId` accepts strong ones only.
 */
export type StableIdConfidence = 'wxid' | 'alias' | 'encry-room-id' | 'remark-avatar' | 'weak';

/**
 * A contact as the bot knows it; session `userName`s change at every login, `stableId` does not.
 * Name fields (`nickName`, `remarkName`, and `displayName`/`topic` below) are display text:
 * emoji spans decoded to Unicode and HTML entities unescaped, once, by whoever fills the
 * directory; consumers compare them as they are. `raw` keeps the wire form (a room's without
 * its MemberList: the members are in `Room.members`).
 */
export interface Contact {
  /** The session UserName (`@...`, `@@...` for rooms, or a special id like `filehelper`). */
  readonly userName: string;
  /** Survives re-login when known (a `wxid_...` / `...@chatroom`, an Alias, ...). */
  readonly stableId: string | undefined;
  readonly stableIdConfidence: StableIdConfidence | undefined;
  readonly kind: ContactKind;
  readonly nickName: string;
  readonly remarkName: string;
  readonly alias: string;
  readonly raw: RawContact;
}

/**
 * A room member: a small value without the wire record, because a big account holds
 * 100k of them (the client's store shares one object per person across rooms).
 */
export interface RoomMember {
  readonly userName: string;
  readonly nickName: string;
  /** The member's name in this room; empty when unset. */
  readonly displayName: string;
}

export interface Room extends Contact {
  readonly kind: 'room';
  readonly topic: string;
  readonly members: ReadonlyMap<string, RoomMember>;
  readonly ownerUserName: string | undefined;
}

/**
 * Read-only lookups the normaliser and plugins need. The client's contact
 * store implements it; tests and replay tools can implement it over fixtures.
 */
export interface ContactDirectory {
  /** The logged-in account. */
  readonly self: Contact;
  contact(userName: string): Contact | undefined;
  room(userName: string): Room | undefined;
  member(roomUserName: string, memberUserName: string): RoomMember | undefined;
  byStableId(stableId: string): Contact | undefined;
}
