/**
 * MsgType 51 with StatusNotifyCode 4 carries the recent-chat list twice:
 * Content holds stable ids (`wxid_...`, `...@chatroom`, aliases) and
 * StatusNotifyUserName the session UserNames, in the same order. Pairing them
 * by position is how stable identity survives re-login.
 */
export interface IdPair {
  stableId: string;
  userName: string;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The comma list inside `<username>` of `<op id='4'>`; empty when absent. */
export function parseOpUserNames(content: string): string[] {
  const xml = unescapeHtml(content).replace(/<br\/>/g, '\n');
  const m = /<username>([\s\S]*?)<\/username>/.exec(xml);
  if (!m) return [];
  return m[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Pairs stable ids with session UserNames; returns [] if the lists disagree in length (never guess). */
export function pairStatusNotify(content: string, statusNotifyUserName: string): IdPair[] {
  const ids = parseOpUserNames(content);
  const names = statusNotifyUserName
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0 || ids.length !== names.length) return [];
  return ids.map((stableId, i) => ({ stableId, userName: names[i]! }));
}
