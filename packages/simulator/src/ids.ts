/**
 * Identifier and token generation. Everything is drawn from a seeded PRNG so a
 * run with the same seed produces the same uuids, UserNames and message ids,
 * which keeps failures reproducible.
 */

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: small, fast and good enough for ids and fault dice. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  digits(length: number): string {
    let out = String(1 + this.int(9));
    while (out.length < length) out += String(this.int(10));
    return out;
  }

  chars(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)]!;
    return out;
  }

  /** A fresh stream derived from this one, so adding a consumer does not shift the others. */
  fork(): Rng {
    return new Rng((this.next() * 0x100000000) >>> 0);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_URLSAFE_UUID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class Ids {
  constructor(private readonly rng: Rng) {}

  /** Login uuid: 8 bytes of base64, e.g. `4dcaWx3uBw==`. */
  uuid(): string {
    return this.rng.chars(10, B64_URLSAFE_UUID) + this.rng.chars(1, 'AQgw') + '==';
  }

  /** Friends and self: `@` + 64 hex. */
  userName(): string {
    return '@' + this.rng.hex(64);
  }

  /** Official accounts and strangers often get the short form: `@` + 32 hex. */
  shortUserName(): string {
    return '@' + this.rng.hex(32);
  }

  roomUserName(): string {
    return '@@' + this.rng.hex(64);
  }

  skey(): string {
    return `@crypt_${this.rng.hex(8)}_${this.rng.hex(32)}`;
  }

  wxsid(): string {
    return this.rng.chars(16, B64);
  }

  /** pass_ticket travels already URL-encoded (`%2B`, `%2F`, `%3D`), exactly as the XML carries it. */
  passTicket(): string {
    return encodeURIComponent(this.rng.chars(63, B64) + '=');
  }

  dataTicket(): string {
    return this.rng.chars(24, B64);
  }

  authTicket(): string {
    return this.rng.chars(120, B64);
  }

  loginTicket(): string {
    return this.rng.chars(24, B64.slice(0, 62) + '-_') + '@qrticket_0';
  }

  /** Server message ids are 63-bit numbers, always above 2^53 so JSON.parse would corrupt them. */
  msgId(): string {
    const high = BigInt(0x200000 + this.rng.int(0x7fdfffff - 0x200000)); // keeps the value in [2^53, 2^63)
    const low = BigInt((this.rng.next() * 0x100000000) >>> 0);
    return ((high << 32n) | low).toString();
  }

  mediaId(): string {
    return `@crypt_${this.rng.hex(8)}_${this.rng.hex(160)}`;
  }

  verifyTicket(): string {
    return `v2_${this.rng.hex(128)}@stranger`;
  }

  encryptUserName(): string {
    return `v1_${this.rng.hex(96)}@stranger`;
  }

  encryChatRoomId(): string {
    return '@' + this.rng.hex(32);
  }

  chatroomId(): string {
    return `${this.rng.digits(10)}@chatroom`;
  }

  md5(): string {
    return this.rng.hex(32);
  }

  syncBase(): number {
    return 600000000 + this.rng.int(100000000);
  }
}
