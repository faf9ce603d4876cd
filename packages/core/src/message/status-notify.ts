import { replaceBreaks, unescapeHtml } from './text.js';
import type { StableIdPair } from './types.js';

export interface StatusNotify {
  /** StatusNotifyCode: 4 = sync of recent chats (carries the stable-id list), 2 = chat opened, ... */
  readonly code: number;
  /** Stable ids (`wxid_...`, `...@chatroom`, `gh_...`, aliases) in wire order (empty slots kept). */
  readonly stableIds: readonly string[];
  /** Session UserNames from StatusNotifyUserName, in wire order. */
  readonly userNames: readonly string[];
  /** stableIds[i] ↔ userNames[i]; only positions where both are present and non-empty. */
  readonly pairs: readonly StableIdPair[];
}

const USERNAME_LIST_RE = /<username>([^<]*)<\/username>/;

/** Positional: an empty slot stays empty so the two lists keep lining up; a trailing comma is dropped. */
function splitList(list: string): string[] {
  const items = list.split(',').map((s) => s.trim());
  while (items.length > 0 && items[items.length - 1] === '') items.pop();
  return items;
}

/**
 * Reads a MsgType 51 entry: the `<op><username>` list pairs with
 * StatusNotifyUserName by position, which is how a client maps session
 * UserNames to ids that survive re-login. Returns undefined for other types.
 * Uses a regex rather than an XML parser: the list is the first `<username>`
 * element and the payload can be large.
 */
export function parseStatusNotify(raw: unknown): StatusNotify | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const entry = raw as Record<string, unknown>;
  if (Number(entry.MsgType) !== 51) return undefined;
  const code = Number(entry.StatusNotifyCode);
  const content = typeof entry.Content === 'string' ? entry.Content : '';
  const xml = content.includes('&lt;') ? unescapeHtml(replaceBreaks(content)) : replaceBreaks(content);
  const match = USERNAME_LIST_RE.exec(xml);
  const stableIds = match !== null ? splitList(match[1] ?? '') : [];
  const userNames = typeof entry.StatusNotifyUserName === 'string' ? splitList(entry.StatusNotifyUserName) : [];
  const pairs: StableIdPair[] = [];
  const n = Math.min(stableIds.length, userNames.length);
  for (let i = 0; i < n; i++) {
    const stableId = stableIds[i]!;
    const userName = userNames[i]!;
    if (stableId !== '' && userName !== '') pairs.push({ stableId, userName });
  }
  return { code: Number.isFinite(code) ? code : 0, stableIds, userNames, pairs };
}

/**
 * The pairs the client may trust: only when both lists have the same
 * length. Lists that disagree cannot be lined up by position, so nothing is
 * guessed from them.
 */
export function alignedPairs(sn: StatusNotify): readonly StableIdPair[] {
  return sn.stableIds.length === sn.userNames.length ? sn.pairs : [];
}
