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
];

const PARAM_RE = new RegExp(`([?&;]|^)(${SECRET_PARAMS.join('|')})=([^&#;\\s"']*)`, 'gi');
const XML_RE = /<(skey|wxsid|wxuin|pass_ticket|ticket)>[^<]*<\/\1>/gi;
const JSON_KEYS = 'Skey|Sid|Uin|SKey|DeviceID|Ticket|VerifyUserTicket|pass_ticket|passTicket|skey|sid|uin|ticket';
const JSON_RE = new RegExp(`("(?:${JSON_KEYS})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d+)`, 'g');
/** The same inside a JSON string (a logged request body): quotes escaped as \". */
const ESCAPED_JSON_RE = new RegExp(
  `(\\\\"(?:${JSON_KEYS})\\\\"\\s*:\\s*)(\\\\"(?:[^"\\\\]|\\\\[^"])*\\\\"|-?\\d+)`,
  'g',
);
// A value ends where a cookie string, a URL or an enclosing JSON string does: the censor must never eat a quote.
const COOKIE_RE =
  /\b(webwx_data_ticket|webwx_auth_ticket|wxsid|wxuin|wxloadtime|webwxuvid|mm_lang|pass_ticket|skey)=([^;,\s"'&\\]*)/gi;

/** The account's own stable id is `uin:<digits>` (the store's fallback when it has no wxid). */
const UIN_ID_RE = /\buin:\d+/g;

/** Replaces secret query parameters in a URL or query string. */
export function redactUrl(url: string): string {
  return url.replace(PARAM_RE, (_m, sep: string, name: string) => `${sep}${name}=${CENSOR}`);
}

/** Redacts secrets in any text: query strings, login XML, JSON bodies, cookie strings. */
export function redactText(text: string): string {
  return redactUrl(text)
    .replace(XML_RE, (_m, tag: string) => `<${tag}>${CENSOR}</${tag}>`)
    .replace(JSON_RE, (_m, key: string) => `${key}"${CENSOR}"`)
    .replace(ESCAPED_JSON_RE, (_m, key: string) => `${key}\\"${CENSOR}\\"`)
    .replace(COOKIE_RE, (_m, name: string) => `${name}=${CENSOR}`)
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
