import { createHash } from 'node:crypto';

import type { RawContact, RawMember, RawMessage, SyncResponse } from '../wire/types.js';

/** A webwxsync answer with every list an array of well-formed entries. */
export interface CheckedSync {
  readonly contacts: RawContact[];
  readonly deleted: RawContact[];
  readonly members: Array<{ UserName: string; MemberList: RawMember[]; MemberCount?: number }>;
  readonly messages: RawMessage[];
  /** Entries left out because they were not objects or had no UserName. */
  readonly skipped: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/**
 * Reads the lists of a webwxsync answer defensively. One malformed entry must
 * cost only itself: thrown here, it would fail the whole answer, the SyncKey
 * would never advance, and every later message would wait behind it forever.
 * A message keeps its place even without an id: MsgId falls back to NewMsgId,
 * then to a digest of the entry (stable, so a resent copy is still deduped).
 */
export function checkSync(res: SyncResponse): CheckedSync {
  let skipped = 0;
  // A list that is not a list (absent is fine) counts as one malformed entry.
  const list = (v: unknown): unknown[] => {
    if (Array.isArray(v)) return v;
    if (v !== undefined && v !== null) skipped++;
    return [];
  };
  const named = <T>(v: unknown): T[] => {
    const out: T[] = [];
    for (const e of list(v)) {
      if (isObject(e) && typeof e['UserName'] === 'string' && e['UserName'] !== '') out.push(e as T);
      else skipped++;
    }
    return out;
  };
  const contacts = named<RawContact>(res.ModContactList);
  const deleted = named<RawContact>(res.DelContactList);
  const members = named<RawContact>(res.ModChatRoomMemberList).map((m) => ({
    UserName: m.UserName,
    MemberList: named<RawMember>(m.MemberList),
    ...(typeof m.MemberCount === 'number' ? { MemberCount: m.MemberCount } : {}),
  }));
  const messages: RawMessage[] = [];
  for (const e of list(res.AddMsgList)) {
    if (!isObject(e)) {
      skipped++;
      continue;
    }
    const raw = e as unknown as RawMessage;
    const id = text(e['MsgId']) || text(e['NewMsgId']) || `digest:${digest(e)}`;
    // Stryker disable next-line ConditionalExpression: writing the id it already has changes nothing
    if (raw.MsgId !== id) (raw as { MsgId: string }).MsgId = id;
    messages.push(raw);
  }
  return { contacts, deleted, members, messages, skipped };
}

function digest(entry: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(entry)).digest('hex').slice(0, 20);
}
