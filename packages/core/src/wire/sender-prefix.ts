/**
 * Room messages arrive as `<sender>:<br/>body`; the sender is a session
 * UserName (`@…`) or a stable id (`wxid_…`), never prose. The one reading of
 * that prefix: the client (which senders to fetch, what to forward) and the
 * normaliser (who said it) both use it, so they cannot disagree.
 */
const SENDER_PREFIX_RE = /^([@A-Za-z0-9_.-]{1,128}):<br\/>/;

/** The sender and body of a room entry's Content, or undefined when it has no sender prefix. */
export function splitSenderPrefix(content: string): { sender: string; body: string } | undefined {
  const m = SENDER_PREFIX_RE.exec(content);
  return m === null ? undefined : { sender: m[1]!, body: content.slice(m[0].length) };
}
