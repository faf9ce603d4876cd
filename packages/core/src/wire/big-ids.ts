/**
 * Quotes NewMsgId / MsgId / SvrMsgId numbers before JSON.parse: they exceed
 * 2^53 and JSON.parse would silently corrupt them.
 */
export function protectBigIds(text: string): string {
  return text.replace(/("(?:NewMsgId|MsgId|MsgID|SvrMsgId)"\s*:\s*)(-?\d{16,})/g, '$1"$2"');
}
