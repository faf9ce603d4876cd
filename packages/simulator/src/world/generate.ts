/** A seeded world generator for demos and load tests (10k friends, 500-member rooms). */

import type { AccountSpec } from '../accounts.js';
import { Rng } from '../ids.js';
import type { PersonSpec, RoomSpec, WorldSpec } from './types.js';

export interface GenerateWorldOptions {
  friends?: number;
  /** Room sizes (members besides self), or full options per room. */
  rooms?: (number | { members: number; topic?: string; strangers?: number; ownedBySelf?: boolean })[];
  officialAccounts?: number;
  seed?: number;
  self?: { wxid?: string; uin?: number; nickName?: string };
}

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '林'];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
];
const LATIN = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Trent'];
const EMOJI = ['😄', '🌛', '☀️', '🍀', '🐮', ''];

export function generateWorld(options: GenerateWorldOptions = {}): WorldSpec {
  const rng = new Rng(options.seed ?? 1);
  const selfWxid = options.self?.wxid ?? 'wxid_selfbot0001';
  const friends: PersonSpec[] = [];
  const nFriends = options.friends ?? 10;
  for (let i = 0; i < nFriends; i++) {
    const latin = rng.next() < 0.3;
    const nick = latin
      ? `${rng.pick(LATIN)}${i}`
      : `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}${rng.next() < 0.5 ? rng.pick(GIVEN) : ''}${i}`;
    friends.push({
      wxid: `wxid_${rng.chars(14, 'abcdefghijklmnopqrstuvwxyz0123456789')}`,
      nickName: nick + (rng.next() < 0.1 ? rng.pick(EMOJI) : ''),
      sex: rng.pick([0, 1, 2] as const),
      ...(rng.next() < 0.2 ? { remarkName: `备注${i}` } : {}),
      ...(rng.next() < 0.3 ? { alias: `alias_${i}` } : {}),
      province: rng.pick(['北京', '广东', '上海', '浙江', '']),
    });
  }
  const officialAccounts: PersonSpec[] = [];
  for (let i = 0; i < (options.officialAccounts ?? 3); i++)
    officialAccounts.push({
      wxid: `gh_${rng.hex(12)}`,
      nickName: `公众号${i}`,
      verifyFlag: rng.pick([8, 24]),
    });
  const strangers: PersonSpec[] = [];
  const rooms: RoomSpec[] = [];
  (options.rooms ?? [5]).forEach((r, idx) => {
    const o = typeof r === 'number' ? { members: r } : r;
    const members: string[] = [selfWxid];
    const nStrangers = o.strangers ?? Math.max(0, o.members - Math.min(o.members, friends.length));
    const fromFriends = o.members - nStrangers;
    const start = rng.int(Math.max(1, friends.length));
    for (let i = 0; i < fromFriends; i++) members.push(friends[(start + i) % friends.length]!.wxid);
    for (let i = 0; i < nStrangers; i++) {
      const wxid = `wxid_${rng.chars(14, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
      strangers.push({ wxid, nickName: `群友${idx}_${i}` });
      members.push(wxid);
    }
    rooms.push({
      id: `${rng.digits(10)}@chatroom`,
      topic: o.topic ?? `群聊${idx + 1}`,
      owner: o.ownedBySelf === false ? (members[1] ?? selfWxid) : selfWxid,
      members: [...new Set(members)],
    });
  });
  return {
    self: {
      wxid: selfWxid,
      uin: options.self?.uin ?? 100000000 + rng.int(800000000),
      nickName: options.self?.nickName ?? 'wxbot',
    },
    friends,
    officialAccounts,
    strangers,
    rooms,
  };
}

/** The default world a bare `createSimulator()` serves: small, readable, deterministic. */
export function defaultWorld(): WorldSpec {
  return {
    self: { wxid: 'wxid_bot', uin: 2100000001, nickName: 'Bot', alias: 'wxbot_demo', sex: 1, signature: 'I am a bot' },
    friends: [
      { wxid: 'wxid_alice', nickName: 'Alice', sex: 2, alias: 'alice_w', province: '北京', city: '海淀' },
      { wxid: 'wxid_bob', nickName: 'Bob', sex: 1 },
      { wxid: 'wxid_carol', nickName: '小红', remarkName: 'Carol', sex: 2 },
      { wxid: 'dave1988', nickName: 'Dave 🌛', sex: 1 },
    ],
    officialAccounts: [
      { wxid: 'gh_news0001', nickName: '每日新闻', verifyFlag: 8 },
      { wxid: 'gh_bank0001', nickName: '银行服务', verifyFlag: 24 },
    ],
    strangers: [{ wxid: 'wxid_erin', nickName: 'Erin' }],
    rooms: [
      {
        id: '1000000001@chatroom',
        topic: '测试群',
        owner: 'wxid_bot',
        members: ['wxid_bot', 'wxid_alice', 'wxid_bob', { wxid: 'wxid_erin', displayName: 'E' }],
      },
      {
        id: '1000000002@chatroom',
        topic: 'Family',
        owner: 'wxid_alice',
        members: ['wxid_alice', 'wxid_bot', 'wxid_carol'],
      },
    ],
  };
}

export interface GenerateAccountsOptions {
  /** How many accounts. */
  count: number;
  /** Same seed, same accounts (ids, uins, people, rooms). Default 1. */
  seed?: number;
  /** Friends of each account (default 500). */
  friends?: number;
  /** Rooms of each account (default 20), each with `roomMembers` of its friends besides self (default 50). */
  rooms?: number;
  roomMembers?: number;
  /** Official accounts each follows (default 0). */
  officialAccounts?: number;
  /** Account ids are this plus a number: `acct0001`, `acct0002`, ... (default 'acct'). */
  idPrefix?: string;
  /** Uin of the first account; the next ones count up (default 1100000001). */
  firstUin?: number;
}

/**
 * Many small accounts for a multi-account simulator (`createSimulator({ accounts })`): each its own world of
 * friends and rooms, its own self (`wxid_<id>`, a unique uin). Deterministic: the same options give the same
 * accounts, and account i is the same whatever `count` is.
 */
export function generateAccounts(options: GenerateAccountsOptions): AccountSpec[] {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`generateAccounts.count: expected a whole number, got ${count}`);
  const rng = new Rng(options.seed ?? 1);
  const prefix = options.idPrefix ?? 'acct';
  const width = Math.max(4, String(count).length);
  const firstUin = options.firstUin ?? 1_100_000_001;
  const rooms = new Array<number>(options.rooms ?? 20).fill(options.roomMembers ?? 50);
  const accounts: AccountSpec[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${String(i + 1).padStart(width, '0')}`;
    const world = generateWorld({
      friends: options.friends ?? 500,
      rooms,
      officialAccounts: options.officialAccounts ?? 0,
      seed: (rng.next() * 0x100000000) >>> 0,
      self: { wxid: `wxid_${id}`, uin: firstUin + i, nickName: `Account ${i + 1}` },
    });
    accounts.push({ id, world });
  }
  return accounts;
}
