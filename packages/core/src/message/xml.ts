import { createRequire } from 'node:module';
import { replaceBreaks, unescapeHtml } from './text.js';
import { BAIL, FAIL, readXml, type XmlNode, type XmlValue } from './xml-reader.js';

/**
 * Defensive XML access for Content payloads (appmsg, sysmsg, voicemsg, emoji,
 * friend-request and card attributes).
 *
 * - Synchronous: xml2js calls the callback before `parseString` returns when
 *   `async` is false (verified in test/message/xml.test.ts).
 * - Bounded: payloads above MAX_XML_CHARS are not parsed (the text is kept).
 * - No entity expansion: sax in strict mode rejects DOCTYPE-declared entities,
 *   so a "billion laughs" payload is a parse failure, not a memory blow-up.
 */
export const MAX_XML_CHARS = 256 * 1024;

// The tree types live with the reader that builds them (xml-reader.ts) so the two files do not import each other.
export type { XmlNode, XmlValue } from './xml-reader.js';

const PARSER_OPTIONS = {
  async: false,
  explicitArray: false,
  explicitRoot: true,
  attrkey: '$',
  charkey: '_',
  trim: true,
  strict: true,
} as const;

function parseOnce(xml: string): XmlNode | undefined {
  const read = readXml(xml);
  if (read === FAIL) return undefined;
  if (read !== BAIL) return read;
  return parseWithXml2js(xml);
}

let xml2js: typeof import('xml2js') | undefined;

/** The reference parser: everything the fast reader does not know. */
export function parseWithXml2js(xml: string): XmlNode | undefined {
  // Loaded on first use (synchronously, it is CommonJS): most bots start, and many run, without needing it.
  xml2js ??= createRequire(import.meta.url)('xml2js') as typeof import('xml2js');
  const { Parser } = xml2js;
  let result: unknown;
  let settled = false;
  try {
    new Parser(PARSER_OPTIONS).parseString(xml, (error: Error | null, value: unknown) => {
      // xml2js may report a late error after a result; the first answer wins.
      if (settled) return;
      settled = true;
      if (error === null) result = value;
    });
  } catch {
    return undefined;
  }
  return isNode(result) ? result : undefined;
}

// Bare `&` (unescaped URL query strings) makes strict sax fail; escape only those.
const BARE_AMP_RE = /&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,9}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});)/g;

/**
 * Parses a Content payload into a node tree: strips `<br/>` line breaks, and
 * unescapes once when the XML arrives HTML-escaped (`&lt;msg&gt;`). Returns
 * undefined for non-XML, oversized or unparsable input — never throws.
 */
export function parseContentXml(content: string): XmlNode | undefined {
  if (content.length === 0 || content.length > MAX_XML_CHARS) return undefined;
  let xml = replaceBreaks(content).trim();
  if (xml.startsWith('&lt;')) xml = unescapeHtml(xml).trim();
  if (!xml.startsWith('<')) return undefined;
  const parsed = parseOnce(xml);
  if (parsed !== undefined) return parsed;
  if (!xml.includes('&')) return undefined;
  return parseOnce(xml.replace(BARE_AMP_RE, '&amp;'));
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** First child element `name` (xml2js gives an array for repeated elements). */
export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  if (node === undefined) return undefined;
  const first = Array.isArray(node) ? (node as readonly XmlValue[])[0] : node;
  if (!isNode(first)) return undefined;
  if (!Object.hasOwn(first, name)) return undefined;
  return first[name];
}

/** Follows a path of child element names. */
export function path(node: XmlValue | undefined, ...names: string[]): XmlValue | undefined {
  let cur = node;
  for (const name of names) {
    cur = child(cur, name);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** All children named `name` (0, 1 or many). */
export function children(node: XmlValue | undefined, name: string): readonly XmlValue[] {
  const value = child(node, name);
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly XmlValue[]) : [value];
}

/** Element text ('' when empty or absent). */
export function text(node: XmlValue | undefined): string {
  if (node === undefined) return '';
  const first = Array.isArray(node) ? (node as readonly XmlValue[])[0] : node;
  if (typeof first === 'string') return first;
  if (isNode(first)) {
    const chars = Object.hasOwn(first, '_') ? first._ : undefined;
    return typeof chars === 'string' ? chars : '';
  }
  return '';
}

/** Text of the child `name`, or undefined when missing/empty. */
export function childText(node: XmlValue | undefined, ...names: string[]): string | undefined {
  const value = text(path(node, ...names));
  return value === '' ? undefined : value;
}

/** Attribute value, or undefined when missing/empty. */
export function attr(node: XmlValue | undefined, name: string): string | undefined {
  if (node === undefined) return undefined;
  const first = Array.isArray(node) ? (node as readonly XmlValue[])[0] : node;
  if (!isNode(first) || !Object.hasOwn(first, '$')) return undefined;
  const attrs = first.$;
  if (!isNode(attrs) || !Object.hasOwn(attrs, name)) return undefined;
  const value = attrs[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Finite integer from a string, or undefined. */
export function toInt(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value.trim());
  return Number.isFinite(n) && value !== '' ? Math.trunc(n) : undefined;
}

/** Finite float from a string, or undefined. */
export function toFloat(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
