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

/**
 * The real server turns many emoji into `<span class="emoji emoji1f604"></span>`
 * (code point in lowercase hex; sequences joined). Others pass through as UTF-8.
 */
export function emojiToSpans(content: string): string {
  return content.replace(/(\p{Extended_Pictographic})(\uFE0F)?/gu, (_m, ch: string) => {
    const cp = ch.codePointAt(0)!;
    return `<span class="emoji emoji${cp.toString(16)}"></span>`;
  });
}

/** Text as a chat message carries it: escaped, `<br/>` breaks, emoji spans. */
export function encodeChatText(text: string): string {
  return emojiToSpans(encodeTextContent(text));
}

/**
 * XML payloads (appmsg, voicemsg, friend requests, revokes) travel with only `&`, `<`, `>`
 * escaped (attribute quotes stay as they are) and line breaks as `<br/>`.
 */
export function encodeXmlContent(xml: string): string {
  return xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br/>');
}
