/**
 * Text clean-up for Web WeChat Content: the server sends HTML-ish text
 * (entities, `<br/>`, emoji spans). Every function has a fast path that
 * returns the input untouched when there is nothing to do, because plain text
 * is the hot path (≥100k messages/s).
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

const ENTITY_RE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));/g;

function codePointOrNull(cp: number): string | null {
  if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return String.fromCodePoint(cp);
}

/** One level of HTML entity decoding (`&amp;quot;` → `&quot;`); unknown entities stay as written. */
export function unescapeHtml(input: string): string {
  if (!input.includes('&')) return input;
  return input.replace(ENTITY_RE, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined) return codePointOrNull(Number.parseInt(dec, 10)) ?? whole;
    if (hex !== undefined) return codePointOrNull(Number.parseInt(hex, 16)) ?? whole;
    return (name !== undefined ? NAMED_ENTITIES[name] : undefined) ?? whole;
  });
}

/**
 * Emoji class names concatenate hex code points without separators
 * (`1f1e81f1f3` is 🇨🇳, `1f468200d1f469` a ZWJ sequence). Supplementary-plane
 * emoji are 5 hex digits starting with `1f`; everything else is 4.
 */
export function emojiCodeToString(code: string): string | null {
  const hex = code.toLowerCase();
  if (hex.length === 0 || hex.length > 40 || !/^[0-9a-f]+$/.test(hex)) return null;
  let out = '';
  let i = 0;
  while (i < hex.length) {
    const rest = hex.length - i;
    let take: number;
    if (rest <= 4) take = rest;
    else if (hex.startsWith('1f', i)) take = 5;
    else take = 4;
    const ch = codePointOrNull(Number.parseInt(hex.slice(i, i + take), 16));
    if (ch === null) return null;
    out += ch;
    i += take;
  }
  return out;
}

// `<span class="emoji emoji1f604"></span>` in Content; `<img class="emoji emoji1f42e" ... />` in some client-rendered names.
const EMOJI_TAG_RE =
  /<span\s+class=["']emoji\s+emoji([0-9a-fA-F]{1,40})["']\s*>\s*<\/span>|<img\s+class=["']emoji\s+emoji([0-9a-fA-F]{1,40})["'][^>]{0,300}?\/?>/g;

export function replaceEmojiTags(input: string): string {
  if (!input.includes('class=')) return input;
  return input.replace(EMOJI_TAG_RE, (whole, a?: string, b?: string) => emojiCodeToString(a ?? b ?? '') ?? whole);
}

const BR_RE = /<br\s*\/?>/gi;

/** `<br/>` → newline. */
export function replaceBreaks(input: string): string {
  if (!input.includes('<')) return input;
  return input.replace(BR_RE, '\n');
}

/** Content text → human text: `<br/>` → `\n`, emoji tags → Unicode, entities decoded (in that order). */
export function cleanText(input: string): string {
  if (!input.includes('<') && !input.includes('&')) return input;
  return unescapeHtml(replaceEmojiTags(replaceBreaks(input)));
}

/** Names (NickName, DisplayName, RemarkName) carry the same emoji spans and entities as Content. */
export function cleanName(input: string | undefined): string {
  if (input === undefined || input === '') return '';
  return cleanText(input);
}
