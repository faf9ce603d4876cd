// Secrets never reach the page: the server masks its log, and the console masks again whatever it
// shows from logs, so a line the server missed still shows `skey=***`, not the session.

const KEYS =
  'skey|wxsid|sid|wxuin|uin|pass_ticket|webwx_data_ticket|webwx_auth_ticket|ticket|uuid|access_token|token|' +
  'cookie|set-cookie|authorization|password|secret|DataTicket|AuthTicket';

/** `key=value`, `key: value`, `"key":"value"` (any of the names above, any case) → the value masked. */
const PAIR = new RegExp(`\\b(${KEYS})(["']?\\s*[:=]\\s*["']?)(?:Bearer\\s+)?([^\\s"'&;,}\\]]+)`, 'gi');
/** WeChat's session values look like `@crypt_0a1b...`; masked wherever they stand. */
const CRYPT = /@crypt_[0-9a-z_]+/gi;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/g;

export const MASK = '***';

export function maskSecrets(text: string): string {
  return text
    .replace(PAIR, (_m, key: string, sep: string) => `${key}${sep}${MASK}`)
    .replace(CRYPT, `@crypt_${MASK}`)
    .replace(BEARER, `Bearer ${MASK}`);
}
