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

function codePointOrNull(cp: number): string | null {
  if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return String.fromCodePoint(cp);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/** `&...;` starting at `at`: [replacement, end] when it is an entity this decodes, else undefined. */
function entityAt(input: string, at: number): [string, number] | undefined {
  // Same grammar as /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));/ (XML-escaped Content
  // is mostly &lt; &gt; &amp; &quot;, so a scan beats a regex with a replace callback several times over).
  let i = at + 1;
  const c = input.charCodeAt(i);
  if (c === 35) {
    i++;
    const d = input.charCodeAt(i);
    const hex = d === 120 || d === 88;
    if (hex) i++;
    const start = i;
    const max = hex ? 6 : 7;
    while (i - start < max && (hex ? isHex(input.charCodeAt(i)) : isDigit(input.charCodeAt(i)))) i++;
    if (i === start || input.charCodeAt(i) !== 59) return undefined;
    const ch = codePointOrNull(Number.parseInt(input.slice(start, i), hex ? 16 : 10));
    return ch === null ? undefined : [ch, i + 1];
  }
  const start = i;
  while (i - start < 6 && isLetter(input.charCodeAt(i))) i++;
  if (i - start < 2 || input.charCodeAt(i) !== 59) return undefined;
  const name = input.slice(start, i);
  const ch = Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name] : undefined;
  return ch === undefined ? undefined : [ch, i + 1];
}

/** One level of HTML entity decoding (`&amp;quot;` → `&quot;`); unknown entities stay as written. */
export function unescapeHtml(input: string): string {
  let at = input.indexOf('&');
  if (at === -1) return input;
  let out = '';
  let from = 0;
  while (at !== -1) {
    const found = entityAt(input, at);
    if (found === undefined) {
      at = input.indexOf('&', at + 1);
      continue;
    }
    out += input.slice(from, at) + found[0];
    from = found[1];
    at = input.indexOf('&', from);
  }
  return from === 0 ? input : out + input.slice(from);
}

/**
 * The web client shows these class codes as other faces: the server sends the cat-face and gesture code
 * points for the common smileys (a long-standing mix-up on its side), and web WeChat remaps them before
 * drawing — so "😹" in a span is what the sender saw as "😂". We decode to what the sender saw.
 */
const WEB_EMOJI_REMAP: ReadonlyMap<number, number> = new Map([
  [0x1f63c, 0x1f601],
  [0x1f639, 0x1f602],
  [0x1f63a, 0x1f603],
  [0x1f4ab, 0x1f616],
  [0x1f64d, 0x1f614],
  [0x1f63b, 0x1f60d],
  [0x1f63d, 0x1f618],
  [0x1f64e, 0x1f621],
  [0x1f63f, 0x1f622],
]);

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
    const point = Number.parseInt(hex.slice(i, i + take), 16);
    const ch = codePointOrNull(WEB_EMOJI_REMAP.get(point) ?? point);
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
