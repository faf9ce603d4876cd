/**
 * How the real server puts text into a message's `Content`: HTML-escaped,
 * line breaks as `<br/>`, and (in rooms) prefixed with `@sender:<br/>`
 * when someone other than the logged-in account speaks.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** Text as it appears in `Content` of a MsgType 1 entry. */
export function encodeTextContent(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br/>');
}

/** Room messages from others carry the speaker's session UserName in front. */
export function withSenderPrefix(senderUserName: string, content: string): string {
  return `${senderUserName}:<br/>${content}`;
}
