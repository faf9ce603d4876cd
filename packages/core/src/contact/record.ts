import type { RawContact } from '../wire/types.js';
import type { Contact, ContactKind, Room, RoomMember, StableIdConfidence } from './types.js';

/**
 * The wire fields a stored contact keeps. Everything else in a `Contact` record (the PY* pinyin
 * spellings, KeyWord, OwnerUin, AttrStatus, ...) is dropped after normalising: nothing in the
 * runtime, the plugins, the server or the console reads it, and it was most of the memory of a big
 * account (see docs/decisions, "compact contacts"). The profile (Sex, Signature, Province, City) stays:
 * plugins greet by gender or region as every peer lets them, so it is kept packed in one string.
 */
export const KEPT_WIRE_FIELDS = [
  'Uin',
  'UserName',
  'NickName',
  'HeadImgUrl',
  'ContactFlag',
  'MemberCount',
  'RemarkName',
  'VerifyFlag',
  'Sex',
  'Signature',
  'Province',
  'City',
  'Alias',
  'EncryChatRoomId',
  'ChatRoomOwner',
] as const satisfies readonly (keyof RawContact)[];

/**
 * The parts of a HeadImgUrl around its seq and UserName, shared by every contact of a login:
 * `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=` + seq + `&username=` + UserName + `&skey=…`.
 */
interface HeadTemplate {
  /** Its number in the store's table: part of the key of the SharedWire records that name it. */
  readonly index: number;
  readonly before: string;
  readonly between: string;
  readonly after: string;
}

const HEAD_URL = /^(.*[?&]seq=)(\d{1,15})(&username=)(.*?)(&skey=.*)?$/s;

/** Distinct packed profiles (and SharedWire records) an intern table holds at most (the common ones are a few hundred). */
const PROFILES_MAX = 4096;

/**
 * The small wire values most contacts share: Uin (0 but for self), ContactFlag, VerifyFlag and the
 * HeadImgUrl template take one slot of a contact, a record interned per store, instead of four.
 */
interface SharedWire {
  readonly uin: number | undefined;
  readonly contactFlag: number | undefined;
  readonly verifyFlag: number | undefined;
  readonly headTemplate: HeadTemplate | undefined;
}

/**
 * What a store's contacts share: the few distinct HeadImgUrl templates of a login (two or three:
 * icon, headimg, without skey), and the packed profiles without a signature (sex, province and
 * city repeat across thousands of contacts; a signature makes a profile its own).
 */
export class HeadTemplates {
  readonly #known = new Map<string, HeadTemplate>();
  readonly #profiles = new Map<string, string>();
  readonly #shared = new Map<string, SharedWire>();

  /** The record for these values: one already held when equal, else a new one (kept while there is room). */
  shared(
    uin: number | undefined,
    contactFlag: number | undefined,
    verifyFlag: number | undefined,
    headTemplate: HeadTemplate | undefined,
  ): SharedWire {
    const key = `${uin}\u0000${contactFlag}\u0000${verifyFlag}\u0000${headTemplate?.index}`;
    let held = this.#shared.get(key);
    if (held === undefined) {
      held = { uin, contactFlag, verifyFlag, headTemplate };
      if (this.#shared.size < PROFILES_MAX) this.#shared.set(key, held);
    }
    return held;
  }

  /** The profile string to keep: one already held when equal and signature-free, else `packed`. */
  profile(packed: string | undefined, signature: string | undefined): string | undefined {
    if (packed === undefined || (signature !== undefined && signature !== '')) return packed;
    const held = this.#profiles.get(packed);
    if (held !== undefined) return held;
    if (this.#profiles.size < PROFILES_MAX) this.#profiles.set(packed, packed);
    return packed;
  }

  /** A url as [seq, template] when it rebuilds exactly from them, else the url itself. */
  split(url: string, userName: string): [number | string, HeadTemplate | undefined] {
    const m = HEAD_URL.exec(url);
    if (m === null || m[4] !== userName) return [url, undefined];
    const seq = Number(m[2]);
    if (String(seq) !== m[2]) return [url, undefined];
    const before = m[1]!;
    const between = m[3]!;
    const after = m[5] ?? '';
    const key = `${before}\u0000${between}\u0000${after}`;
    let t = this.#known.get(key);
    if (t === undefined) {
      t = { index: this.#known.size, before, between, after };
      this.#known.set(key, t);
    }
    return [seq, t];
  }
}

interface WireNames {
  readonly NickName: string | undefined;
  readonly RemarkName: string | undefined;
  readonly Alias: string | undefined;
}

export interface ContactIdentity {
  readonly stableId: string | undefined;
  readonly stableIdConfidence: StableIdConfidence | undefined;
}

/** Normalised names, computed by the store (display text, interned strings). */
export interface ContactNames {
  readonly userName: string;
  readonly nickName: string;
  readonly remarkName: string;
}

/**
 * A contact as the store holds it: the public `Contact` fields as own properties, the kept
 * wire fields in private slots, and `raw` rebuilt on access. One object per contact where there
 * used to be two (the contact and its whole wire record), with no per-contact HeadImgUrl string.
 */
export class StoredContact implements Contact {
  readonly userName: string;
  readonly stableId: string | undefined;
  readonly stableIdConfidence: StableIdConfidence | undefined;
  readonly kind: ContactKind;
  readonly nickName: string;
  readonly remarkName: string;
  readonly alias: string;
  // Wire values as they came, so `raw` rebuilds them exactly.
  /** Uin, ContactFlag, VerifyFlag and the HeadImgUrl template, shared (see SharedWire). */
  readonly #wire: SharedWire;
  /** The wire names when they differ from the public ones (markup, or absent); usually undefined. */
  readonly #wireNames: WireNames | undefined;
  readonly #head: number | string | undefined;
  /** Sex, Signature, Province, City packed in one string (see packProfile); undefined when none came. */
  readonly #profile: string | undefined;
  /**
   * The newest People entry of this UserName when the store's member lists name it: the store's
   * UserName index serves as the People table's too (see members.ts, LatestIndex). The one slot
   * that changes after construction; not part of the contact's value.
   */
  #person: number | undefined;

  /** The People entry `contact` carries (a contact this store did not build carries none). */
  static person(contact: Contact): number | undefined {
    return #person in contact ? contact.#person : undefined;
  }

  static setPerson(contact: Contact, id: number | undefined): void {
    if (#person in contact) contact.#person = id;
  }

  constructor(raw: RawContact, kind: ContactKind, names: ContactNames, id: ContactIdentity, heads: HeadTemplates) {
    this.userName = names.userName;
    this.stableId = id.stableId;
    this.stableIdConfidence = id.stableIdConfidence;
    this.kind = kind;
    this.nickName = names.nickName;
    this.remarkName = names.remarkName;
    this.alias = raw.Alias ?? '';
    // Web WeChat sends every name, most without markup: then the public fields are the wire ones.
    this.#wireNames =
      raw.NickName === names.nickName && raw.RemarkName === names.remarkName && raw.Alias === this.alias
        ? undefined
        : { NickName: raw.NickName, RemarkName: raw.RemarkName, Alias: raw.Alias };
    let template: HeadTemplate | undefined;
    if (raw.HeadImgUrl === undefined) {
      this.#head = undefined;
    } else {
      [this.#head, template] = heads.split(raw.HeadImgUrl, names.userName);
    }
    this.#wire = heads.shared(raw.Uin, raw.ContactFlag, raw.VerifyFlag, template);
    this.#profile = heads.profile(packProfile(raw), raw.Signature);
  }

  /** The kept wire fields (see KEPT_WIRE_FIELDS), a fresh object per read: mutating it changes nothing here. */
  get raw(): RawContact {
    // A copy made with this prototype but only the own fields (pino's redaction clones what it
    // censors that way) has no wire slots: it gets what the public fields hold, which is also
    // all a log needs, and no HeadImgUrl (it carries the session's skey).
    if (!(#wire in this)) return wireOfCopy(this);
    const out: RawContact = { UserName: this.userName };
    const wire = this.#wire;
    put(out, 'Uin', wire.uin);
    const names = this.#wireNames ?? { NickName: this.nickName, RemarkName: this.remarkName, Alias: this.alias };
    put(out, 'NickName', names.NickName);
    put(out, 'HeadImgUrl', this.headImgUrl());
    put(out, 'ContactFlag', wire.contactFlag);
    this.roomWire(out);
    put(out, 'RemarkName', names.RemarkName);
    put(out, 'VerifyFlag', wire.verifyFlag);
    if (this.#profile !== undefined) unpackProfile(this.#profile, out);
    put(out, 'Alias', names.Alias);
    return out;
  }

  /** JSON (logs, API answers) shows the contact as a plain record, `raw` included. */
  toJSON(): Contact {
    // Own fields only (the public ones; # slots are not own properties), as a plain record.
    return Object.assign({}, this, { raw: this.raw });
  }

  /** Room fields of the wire record; none for a person. */
  protected roomWire(_out: RawContact): void {}

  private headImgUrl(): string | undefined {
    const t = this.#wire.headTemplate;
    if (t === undefined) return this.#head as string | undefined;
    return `${t.before}${this.#head as number}${t.between}${this.userName}${t.after}`;
  }
}

export class StoredRoom extends StoredContact implements Room {
  declare readonly kind: 'room';
  readonly topic: string;
  readonly members: ReadonlyMap<string, RoomMember>;
  readonly ownerUserName: string | undefined;
  readonly #memberCount: number | undefined;
  readonly #encry: string | undefined;
  readonly #owner: string | undefined;

  constructor(
    raw: RawContact,
    names: ContactNames,
    id: ContactIdentity,
    heads: HeadTemplates,
    members: ReadonlyMap<string, RoomMember>,
  ) {
    super(raw, 'room', names, id, heads);
    this.topic = names.nickName;
    this.members = members;
    this.ownerUserName = raw.ChatRoomOwner || undefined;
    this.#memberCount = raw.MemberCount;
    this.#encry = raw.EncryChatRoomId;
    this.#owner = raw.ChatRoomOwner;
  }

  protected override roomWire(out: RawContact): void {
    put(out, 'MemberCount', this.#memberCount);
    put(out, 'EncryChatRoomId', this.#encry);
    put(out, 'ChatRoomOwner', this.#owner);
  }
}

// Unit separator: it cannot occur in a nickname-like field the server sends (control characters are stripped).
const SEP = '\u001f';

/**
 * One string for the four profile fields, each present or absent as it came: `Sex` as digits or
 * empty, then the three strings each behind a marker ('=' present, '-' absent). Rooms send none of
 * them, so a room keeps nothing.
 */
function packProfile(raw: RawContact): string | undefined {
  const { Sex, Signature, Province, City } = raw;
  if (Sex === undefined && Signature === undefined && Province === undefined && City === undefined) return undefined;
  const str = (v: string | undefined): string => (v === undefined ? '-' : `=${v}`);
  return [Sex === undefined ? '' : String(Sex), str(Signature), str(Province), str(City)].join(SEP);
}

function unpackProfile(packed: string, out: RawContact): void {
  const [sex = '', signature = '-', province = '-', city = '-'] = packed.split(SEP);
  const str = (v: string): string | undefined => (v.startsWith('=') ? v.slice(1) : undefined);
  if (sex !== '') out.Sex = Number(sex);
  put(out, 'Signature', str(signature));
  put(out, 'Province', str(province));
  put(out, 'City', str(city));
}

function wireOfCopy(c: Contact): RawContact {
  const out: RawContact = { UserName: c.userName };
  put(out, 'NickName', c.nickName);
  put(out, 'RemarkName', c.remarkName);
  put(out, 'Alias', c.alias);
  return out;
}

function put<K extends keyof RawContact>(out: RawContact, key: K, value: RawContact[K] | undefined): void {
  if (value !== undefined) out[key] = value;
}
