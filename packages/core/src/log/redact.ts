/**
 * Secrets never reach logs: URLs, headers, bodies and structured fields pass
 * through these before logging, and account loggers add pino `redact` paths
 * as a second net.
 */

const CENSOR = '[redacted]';

/** Query/form parameter names whose values are secrets (lower-case). */
const SECRET_PARAMS = [
  'skey',
  'sid',
  'wxsid',
  'uin',
  'wxuin',
  'pass_ticket',
  'ticket',
  'webwx_data_ticket',
  'webwx_auth_ticket',
  'wxloadtime',
  'mm_lang',
  'deviceid',
  'uuid',
  // A download URL carries the account's uin as `fromuser`; member avatars the room's encrypted id.
  'fromuser',
  'chatroomid',
  'qrticket',
];

// The value stops at a backslash too: inside a JSON-encoded string `skey=\"` must keep its escape.
const PARAM_RE = new RegExp(`([?&;]|^)(${SECRET_PARAMS.join('|')})=([^&#;\\s"'\\\\]*)`, 'gi');
const XML_RE = /<(skey|wxsid|wxuin|pass_ticket|ticket)>[^<]*<\/\1>/gi;
const JSON_KEYS =
  'Skey|Sid|Uin|SKey|DeviceID|Ticket|VerifyUserTicket|pass_ticket|passTicket|skey|sid|uin|ticket|' +
  'OwnerUin|EncryChatRoomId|uuid|Uuid|authTicket|dataTicket|loginTicket|' +
  // The official bot API (iLink): the bot token, the per-conversation reply token, the QR ticket, its
  // Authorization header, and the CDN key and signed query of a media item (they open that media).
  'bot_token|botToken|context_token|contextToken|qrcode|qrcode_img_content|Authorization|authorization|' +
  'aes_key|aeskey|encrypt_query_param';
const JSON_RE = new RegExp(`("(?:${JSON_KEYS})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d+)`, 'g');
/** The same inside a JSON string (a logged request body): quotes escaped as \". */
const ESCAPED_JSON_RE = new RegExp(
  `(\\\\"(?:${JSON_KEYS})\\\\"\\s*:\\s*)(\\\\"(?:[^"\\\\]|\\\\[^"])*\\\\"|-?\\d+)`,
  'g',
);
/** The same in util.inspect output (a plugin logging `inspect(ctx)`): `OwnerUin: 2100000001`, `Skey: '@crypt_…'`. */
const INSPECT_RE = new RegExp(`(\\b(?:${JSON_KEYS}): )('(?:[^'\\\\]|\\\\.)*'|-?\\d+)`, 'g');
// A value ends where a cookie string, a URL or an enclosing JSON string does: the censor must never eat a quote.
const COOKIE_RE =
  /\b(webwx_data_ticket|webwx_auth_ticket|wxsid|wxuin|wxloadtime|webwxuvid|mm_lang|pass_ticket|skey)=([^;,\s"'&\\]*)/gi;

/** The account's own stable id is `uin:<digits>` (the store's fallback when it has no wxid). */
const UIN_ID_RE = /\buin:\d+/g;

/**
 * XML attributes holding tickets and encrypted user names (a friend request's
 * `ticket="…"`), however the XML is escaped: raw, inside a JSON string
 * (`ticket=\"…\"`) or HTML-escaped once or twice (`ticket=&quot;…&quot;`).
 */
const XML_ATTR_RE =
  /\b(ticket|antispamticket|qrticket|encryptusername|fromuser|chatroomid)=(\\*"|\\*'|&(?:amp;)*quot;)([^"'&\\<>\s]*)/gi;

/** The QR login URL (`https://login.weixin.qq.com/l/<uuid>`) and the QR image URL (`/qrcode/<uuid>`) name the uuid. */
const QR_PATH_RE = /(\/(?:l|qrcode)\/)([^/?#\s"'\\&<>]+)/g;

/**
 * Encrypted user names and tickets have recognisable shapes wherever they
 * appear: `v1_…@stranger`, `v3_…`, `v4_…`, `…@stranger`, `…@qrticket_0` and
 * `@crypt_…` (skeys, media ids), URL-encoded (`%40`) or not.
 */
const OPAQUE_RE = /\bv\d_[\w-]+(?:(?:@|%40)stranger)?|[\w-]+(?:@|%40)(?:stranger|qrticket_\d+)|(?:@|%40)crypt_[\w-]+/g;

/** Replaces secret query parameters in a URL or query string. */
export function redactUrl(url: string): string {
  return url.replace(PARAM_RE, (_m, sep: string, name: string) => `${sep}${name}=${CENSOR}`);
}

/** Redacts secrets in any text: query strings, login XML, JSON bodies, cookie strings. */
export function redactText(text: string): string {
  // Attributes first: `ticket=&quot;…` must keep its quote for the attribute pattern to find the value.
  return redactUrl(text.replace(XML_ATTR_RE, (_m, name: string, quote: string) => `${name}=${quote}${CENSOR}`))
    .replace(XML_RE, (_m, tag: string) => `<${tag}>${CENSOR}</${tag}>`)
    .replace(JSON_RE, (_m, key: string) => `${key}"${CENSOR}"`)
    .replace(ESCAPED_JSON_RE, (_m, key: string) => `${key}\\"${CENSOR}\\"`)
    .replace(INSPECT_RE, (_m, key: string) => `${key}'${CENSOR}'`)
    .replace(COOKIE_RE, (_m, name: string) => `${name}=${CENSOR}`)
    .replace(QR_PATH_RE, (_m, prefix: string) => `${prefix}${CENSOR}`)
    .replace(OPAQUE_RE, CENSOR)
    .replace(UIN_ID_RE, `uin:${CENSOR}`);
}

const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization', 'extspam']);

/** Copies headers, censoring cookies and credentials. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (SECRET_HEADERS.has(k.toLowerCase())) out[k] = CENSOR;
    else out[k] = Array.isArray(v) ? v.map(redactText) : redactText(v);
  }
  return out;
}

/** pino `redact` paths for structured fields that may carry secrets. */
export const REDACT_PATHS: string[] = [
  'skey',
  'sid',
  'uin',
  'passTicket',
  'pass_ticket',
  'ticket',
  'cookie',
  'cookies',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers.extspam',
  'headers.authorization',
  '*.headers.authorization',
  '*.skey',
  '*.sid',
  '*.uin',
  '*.passTicket',
  '*.pass_ticket',
  '*.ticket',
  '*.cookie',
  '*.cookies',
  '*.Skey',
  '*.Sid',
  '*.Uin',
  'BaseRequest',
  '*.BaseRequest',
  // Wire records that plugins hold (`contact.raw`, `message.raw`, events) carry secrets too:
  // a contact's HeadImgUrl has the session's skey, a friend request its verify ticket.
  'HeadImgUrl',
  '*.HeadImgUrl',
  'raw.HeadImgUrl',
  '*.raw.HeadImgUrl',
  '*.*.raw.HeadImgUrl',
  'RecommendInfo.Ticket',
  '*.RecommendInfo.Ticket',
  'raw.RecommendInfo.Ticket',
  '*.raw.RecommendInfo.Ticket',
  '*.*.raw.RecommendInfo.Ticket',
  '*.*.ticket',
  // A friend-request event, or the context around it: { event: ctx } puts the ticket 4 levels down.
  '*.*.request.ticket',
  'uuid',
  '*.uuid',
  'OwnerUin',
  '*.OwnerUin',
  '*.raw.OwnerUin',
  '*.*.raw.OwnerUin',
];

export { CENSOR };

/** Censors a value at a redacted path; a URL keeps everything but its secret parameters. */
export function censorValue(value: unknown, path: string[]): unknown {
  return path[path.length - 1] === 'HeadImgUrl' && typeof value === 'string' ? redactUrl(value) : CENSOR;
}

/** pino's `redact` option: every logger that may see protocol data or plugin output uses it. */
export const REDACT = { paths: REDACT_PATHS, censor: censorValue };

/**
 * pino `hooks` for the loggers wxbot creates: the written line goes through
 * `redactText`, the last net for secrets nested deeper than `REDACT_PATHS`
 * reach (a plugin logging a whole context). A few regex passes per line; no
 * log line is on the per-message path at the default level.
 */
export const REDACT_HOOKS = { streamWrite: redactText };
