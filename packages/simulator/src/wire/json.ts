/**
 * The server's JSON, written by hand. JSON.stringify cannot emit a number
 * beyond 2^53 with its exact digits, and NewMsgId must be one, so wire
 * objects carry such values as `RawNumber` and this writer prints them
 * verbatim. Layout follows the captures: `"Key": value` pairs, no spaces
 * after commas.
 */

export class RawNumber {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new Error(`RawNumber: not an integer: ${digits}`);
  }
}

export type WireValue = string | number | boolean | null | RawNumber | WireValue[] | { [key: string]: WireValue };
export type WireObject = { [key: string]: WireValue };

export function wireJson(value: WireValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof RawNumber) return value.digits;
  if (Array.isArray(value)) return '[' + value.map(wireJson).join(',') + ']';
  const parts: string[] = [];
  for (const key of Object.keys(value)) parts.push(`${JSON.stringify(key)}: ${wireJson(value[key]!)}`);
  return '{' + parts.join(',') + '}';
}

export function baseResponse(ret = 0, errMsg = ''): WireObject {
  return { Ret: ret, ErrMsg: errMsg };
}

/**
 * A few endpoints (uploadmedia, updatechatroom) answer with the BaseResponse
 * block closed on its own line and the comma on the next, as the seeds show.
 */
export function wireJsonSplitBase(ret: number, errMsg: string, rest: WireObject): string {
  const head = `{\n"BaseResponse": {\n"Ret": ${ret},\n"ErrMsg": ${JSON.stringify(errMsg)}\n}\n`;
  const tail = Object.keys(rest)
    .map((key) => `,\n${JSON.stringify(key)}: ${wireJson(rest[key]!)}`)
    .join('');
  return head + tail + '\n}\n';
}

/** Lenient body parsing as the real server does: text/plain or no Content-Type still carries JSON. */
export function parseJsonBody(raw: string): unknown {
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
