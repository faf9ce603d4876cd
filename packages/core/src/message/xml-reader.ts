/**
 * A small strict XML reader for the payloads WeChat sends (appmsg, img,
 * emoji, location, card, ...), building exactly the tree xml2js builds with
 * the options in xml.ts (`explicitArray: false`, `$` attributes, `_` text,
 * trimmed). xml2js + sax cost ~100 µs per message; this costs a few.
 *
 * It knows a subset of XML: elements, quoted attributes, text, CDATA, the five
 * XML entities, numeric character references and leading `<?...?>`
 * declarations. Anything else (comments, DOCTYPE, other named entities, odd
 * names, duplicate attributes, ...) answers BAIL, and the caller asks xml2js,
 * so results never differ; input xml2js would certainly reject answers FAIL.
 * A test compares the two on fixtures and fuzzed payloads.
 */
/** An element: `$` attributes, `_` text, children by name (several of one name make an array), as xml2js builds it. */
export type XmlNode = { readonly [key: string]: XmlValue };
export type XmlValue = string | XmlNode | readonly XmlValue[];

export const BAIL = 0;
export const FAIL = 1;

type Tree = Record<string, unknown>;

interface Open {
  readonly name: string;
  /** Children and attributes so far, in xml2js's key order (`$` first). */
  readonly node: Tree;
  keys: number;
  text: string;
  cdata: boolean;
}

const isNameStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58; // a-z A-Z _ :
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46; // 0-9 - .
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

// Names xml2js would collide with its own bookkeeping keys or Object.prototype.
const RESERVED: ReadonlySet<string> = new Set(['_', '$', 'cdata', ...Object.getOwnPropertyNames(Object.prototype)]);

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the entity at `xml[at] === '&'`: [text, index after ';'], or BAIL / FAIL. */
function entity(xml: string, at: number): [string, number] | typeof BAIL | typeof FAIL {
  let i = at + 1;
  const first = xml.charCodeAt(i);
  if (!(isNameStart(first) || first === 35)) return first < 128 || Number.isNaN(first) ? FAIL : BAIL; // # or a name
  for (; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (c === 59) break; // ;
    if (!(isNameChar(c) || c === 35)) return c < 128 ? FAIL : BAIL;
  }
  if (i >= xml.length) return FAIL;
  const name = xml.slice(at + 1, i);
  const named = ENTITIES[name];
  if (named !== undefined && Object.hasOwn(ENTITIES, name)) return [named, i + 1];
  if (name.charCodeAt(0) !== 35) return BAIL; // another named entity: sax knows the HTML set
  // sax's rule: the digits, less leading zeros, must read back exactly; then String.fromCodePoint.
  const hex = name.charCodeAt(1) === 120 || name.charCodeAt(1) === 88;
  const digits = name.slice(hex ? 2 : 1).toLowerCase();
  if (!(hex ? /^[0-9a-f]+$/ : /^[0-9]+$/).test(digits)) return BAIL;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  if (code.toString(hex ? 16 : 10) !== digits.replace(/^0+/, '') || code > 0x10ffff) return FAIL;
  return [String.fromCodePoint(code), i + 1];
}

/** Text from `start` up to `<` (or the end), entities decoded. */
function readText(xml: string, start: number, end: number): string | typeof BAIL | typeof FAIL {
  let out = '';
  let from = start;
  for (let i = start; i < end; i++) {
    const c = xml.charCodeAt(i);
    if (c === 62) return BAIL; // a raw '>'
    if (c !== 38) continue; // &
    const decoded = entity(xml, i);
    if (decoded === BAIL || decoded === FAIL) return decoded;
    out += xml.slice(from, i) + decoded[0];
    from = decoded[1];
    i = decoded[1] - 1;
  }
  return from === start ? xml.slice(start, end) : out + xml.slice(from, end);
}

function addChild(parent: Open, name: string, value: unknown): void {
  const node = parent.node;
  if (!Object.hasOwn(node, name)) {
    node[name] = value;
    parent.keys++;
    return;
  }
  const existing = node[name];
  if (Array.isArray(existing)) existing.push(value);
  else node[name] = [existing, value];
}

/** What xml2js makes of a closed element. */
function finish(open: Open): unknown {
  const blank = !open.cdata && open.text.trim() === '';
  if (blank) return open.keys === 0 ? open.text : open.node;
  const text = open.text.trim();
  if (open.keys === 0) return text;
  return { _: text, ...open.node };
}

/** The tree xml2js would build for `xml` (trimmed, starting with '<'), or BAIL / FAIL. */
export function readXml(xml: string): XmlNode | typeof BAIL | typeof FAIL {
  const n = xml.length;
  let i = 0;
  // Leading declarations / processing instructions.
  while (xml.startsWith('<?', i)) {
    const end = xml.indexOf('?>', i + 2);
    if (end < 0) return BAIL;
    i = end + 2;
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
  }
  const stack: Open[] = [];
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (lt !== i) return BAIL; // text outside the root
    } else {
      const end = lt < 0 ? n : lt;
      if (end > i) {
        const text = readText(xml, i, end);
        if (text === BAIL || text === FAIL) return text;
        top.text += text;
      }
      if (lt < 0) return FAIL; // unclosed root
    }
    i = lt + 1;
    const c = xml.charCodeAt(i);
    if (c === 47) {
      // </name>
      if (top === undefined) return BAIL;
      const nameEnd = i + 1 + top.name.length;
      if (!xml.startsWith(top.name, i + 1) || isNameChar(xml.charCodeAt(nameEnd))) return BAIL;
      i = nameEnd;
      while (i < n && isSpace(xml.charCodeAt(i))) i++;
      if (xml.charCodeAt(i) !== 62) return BAIL;
      i++;
      stack.pop();
      const value = finish(top);
      const parent = stack[stack.length - 1];
      if (parent === undefined) return { [top.name]: value } as XmlNode; // xml2js answers at the root's end
      addChild(parent, top.name, value);
      continue;
    }
    if (c === 33) {
      // <![CDATA[...]]> inside an element; comments and DOCTYPE are left to xml2js.
      if (top === undefined || !xml.startsWith('![CDATA[', i)) return BAIL;
      const end = xml.indexOf(']]>', i + 8);
      if (end < 0) return BAIL;
      top.text += xml.slice(i + 8, end);
      top.cdata = true;
      i = end + 3;
      continue;
    }
    if (!isNameStart(c)) return BAIL;
    let j = i + 1;
    while (j < n && isNameChar(xml.charCodeAt(j))) j++;
    const name = xml.slice(i, j);
    if (RESERVED.has(name)) return BAIL;
    let attrs: Record<string, string> | undefined;
    i = j;
    let selfClosing = false;
    for (;;) {
      let k = i;
      while (k < n && isSpace(xml.charCodeAt(k))) k++;
      const d = xml.charCodeAt(k);
      if (d === 62) {
        i = k + 1;
        break;
      }
      if (d === 47) {
        if (xml.charCodeAt(k + 1) !== 62) return BAIL;
        i = k + 2;
        selfClosing = true;
        break;
      }
      if (k === i || !isNameStart(d)) return BAIL; // attributes need whitespace before them
      let e = k + 1;
      while (e < n && isNameChar(xml.charCodeAt(e))) e++;
      const attrName = xml.slice(k, e);
      while (e < n && isSpace(xml.charCodeAt(e))) e++;
      if (xml.charCodeAt(e) !== 61) return BAIL; // =
      e++;
      while (e < n && isSpace(xml.charCodeAt(e))) e++;
      const quote = xml.charCodeAt(e);
      if (quote !== 34 && quote !== 39) return BAIL;
      const close = xml.indexOf(quote === 34 ? '"' : "'", e + 1);
      if (close < 0) return BAIL;
      const rawValue = xml.slice(e + 1, close);
      if (rawValue.includes('<')) return BAIL;
      const value = rawValue.includes('&') ? readText(xml, e + 1, close) : rawValue;
      if (value === BAIL || value === FAIL) return value;
      if (attrName === '__proto__' || (attrs !== undefined && Object.hasOwn(attrs, attrName))) return BAIL;
      (attrs ??= {})[attrName] = value;
      i = close + 1;
    }
    const open: Open = {
      name,
      node: attrs === undefined ? {} : { $: attrs },
      keys: attrs === undefined ? 0 : 1,
      text: '',
      cdata: false,
    };
    if (!selfClosing) {
      stack.push(open);
      continue;
    }
    const value = finish(open);
    const parent = stack[stack.length - 1];
    if (parent === undefined) return { [name]: value } as XmlNode;
    addChild(parent, name, value);
  }
  // Ran out inside the root (sax: unclosed tag), or there was no root at all (left to xml2js).
  return stack.length > 0 ? FAIL : BAIL;
}
