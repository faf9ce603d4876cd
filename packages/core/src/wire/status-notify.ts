import { MsgType } from './msg-type.js';
import { unescapeHtml } from './text.js';

/*
 * The one reading of a MsgType 51 (status notification) entry. The sync loop pairs session
 * UserNames with stable ids from it and never delivers the entry; the normaliser builds the
 * internal `status-notify` kind from the same reading (for fixtures and tools).
 */

/** A stable id paired with the session UserName it has in this login. */
export interface StableIdPair {
  readonly stableId: string;
  readonly userName: string;
}

export interface StatusNotify {
  /** StatusNotifyCode: 4 = sync of recent chats (carries the stable-id list), 2 = chat opened, ... */
  readonly code: number;
  /** Stable ids (`wxid_...`, `...@chatroom`, `gh_...`, aliases) in wire order (empty slots kept). */
  readonly stableIds: readonly string[];
  /** Session UserNames from StatusNotifyUserName, in wire order. */
  readonly userNames: readonly string[];
  /** stableIds[i] ↔ userNames[i]; only positions where both are present and non-empty. */
  readonly pairs: readonly StableIdPair[];
  /** A list was longer than the parser reads (MAX_STATUS_NAMES); the lists hold its first names only. */
  readonly truncated?: true;
}

/** Names read per list at most: recent-chat lists hold tens to hundreds; more is not a real account's list. */
export const MAX_STATUS_NAMES = 10_000;
/** Characters one name may have (UserNames are 65-66, wxids and aliases far shorter); longer slots read as empty. */
export const MAX_STATUS_NAME_CHARS = 128;
/** Characters of one list that are read at most. */
const MAX_LIST_CHARS = MAX_STATUS_NAMES * (MAX_STATUS_NAME_CHARS + 1);
/** Where the `<username>` list may start in Content (it is the op's first child). */
const MAX_HEADER_CHARS = 64 * 1024;

/**
 * Splits at most MAX_STATUS_NAMES names off `list` (a slice no longer than
 * MAX_LIST_CHARS + 1). Positional: an empty slot stays empty so the two lists
 * keep lining up; a trailing comma is dropped. `truncated` when more was there.
 */
function splitBounded(list: string, cut: boolean): { items: string[]; truncated: boolean } {
  let truncated = cut;
  let body = list;
  if (cut) {
    // The slice ended inside the list: drop the partial name at its end.
    const last = body.lastIndexOf(',');
    body = last === -1 ? '' : body.slice(0, last);
  }
  const items: string[] = [];
  let from = 0;
  while (from <= body.length) {
    if (items.length === MAX_STATUS_NAMES) {
      truncated = true;
      break;
    }
    let comma = body.indexOf(',', from);
    if (comma === -1) comma = body.length;
    const item = comma - from > MAX_STATUS_NAME_CHARS * 2 ? '' : body.slice(from, comma).trim();
    items.push(item.length > MAX_STATUS_NAME_CHARS ? '' : item);
    from = comma + 1;
  }
  while (items.length > 0 && items[items.length - 1] === '') items.pop();
  return { items, truncated };
}

/** The `<username>` list of Content, escaped (`&lt;username&gt;`) or not, read within the bounds above. */
function usernameList(content: string): { items: string[]; truncated: boolean } {
  const head = content.length > MAX_HEADER_CHARS ? content.slice(0, MAX_HEADER_CHARS) : content;
  const plain = head.indexOf('<username>');
  const escaped = head.indexOf('&lt;username&gt;');
  const useEscaped = escaped !== -1 && (plain === -1 || escaped < plain);
  if (!useEscaped && plain === -1) return { items: [], truncated: false };
  const start = useEscaped ? escaped + '&lt;username&gt;'.length : plain + '<username>'.length;
  const region = content.slice(start, start + MAX_LIST_CHARS + 1);
  const end = region.indexOf(useEscaped ? '&lt;' : '<');
  if (end === -1) return splitBounded(region, region.length > MAX_LIST_CHARS);
  const { items, truncated } = splitBounded(region.slice(0, end), false);
  return { items: useEscaped ? items.map((i) => (i.includes('&') ? unescapeHtml(i) : i)) : items, truncated };
}

/** StatusNotifyUserName, read within the bounds above. */
function userNameList(value: string): { items: string[]; truncated: boolean } {
  if (value.length <= MAX_LIST_CHARS) return splitBounded(value, false);
  return splitBounded(value.slice(0, MAX_LIST_CHARS + 1), true);
}

/**
 * Reads a MsgType 51 entry: the `<op><username>` list pairs with
 * StatusNotifyUserName by position, which is how a client maps session
 * UserNames to ids that survive re-login. Returns undefined for other types.
 *
 * Bounded: a server (or a forged entry) can send lists of any length, and
 * splitting 500k names took ~420 ms of CPU and ~120 MB. At most
 * MAX_STATUS_NAMES names of at most MAX_STATUS_NAME_CHARS each are read per
 * list, by slices of the wire strings (no unescaped copy of Content); a list
 * cut short is marked `truncated` and yields no pairs (see `alignedPairs`).
 */
export function parseStatusNotify(raw: unknown): StatusNotify | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const entry = raw as Record<string, unknown>;
  if (Number(entry.MsgType) !== MsgType.StatusNotify) return undefined;
  const code = Number(entry.StatusNotifyCode);
  const content = typeof entry.Content === 'string' ? entry.Content : '';
  const ids = usernameList(content);
  const names = typeof entry.StatusNotifyUserName === 'string' ? userNameList(entry.StatusNotifyUserName) : undefined;
  const stableIds = ids.items;
  const userNames = names?.items ?? [];
  const pairs: StableIdPair[] = [];
  const n = Math.min(stableIds.length, userNames.length);
  for (let i = 0; i < n; i++) {
    const stableId = stableIds[i]!;
    const userName = userNames[i]!;
    if (stableId !== '' && userName !== '') pairs.push({ stableId, userName });
  }
  const truncated = ids.truncated || names?.truncated === true;
  return {
    code: Number.isFinite(code) ? code : 0,
    stableIds,
    userNames,
    pairs,
    ...(truncated ? { truncated: true as const } : {}),
  };
}

/**
 * The pairs the client may trust: only when both lists have the same
 * length. Lists that disagree cannot be lined up by position, so nothing is
 * guessed from them.
 */
export function alignedPairs(sn: StatusNotify): readonly StableIdPair[] {
  // A truncated list's full length is unknown, so whether the lists line up is too.
  return sn.truncated !== true && sn.stableIds.length === sn.userNames.length ? sn.pairs : [];
}
