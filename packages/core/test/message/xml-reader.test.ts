import { readFileSync } from 'node:fs';

import { BAIL, FAIL, readXml } from '../../src/message/xml-reader.js';
import { parseContentXml, parseWithXml2js } from '../../src/message/xml.js';
import { replaceBreaks, unescapeHtml } from '../../src/message/text.js';

/** What parseContentXml hands its parser: breaks dropped, unescaped once when escaped, trimmed. */
function prepared(content: string): string {
  let xml = replaceBreaks(content).trim();
  if (xml.startsWith('&lt;')) xml = unescapeHtml(xml).trim();
  return xml;
}

/** The reader must agree with xml2js whenever it answers; BAIL defers to xml2js. */
function agrees(xml: string): 'fast' | 'bail' {
  const fast = readXml(xml);
  if (fast === BAIL) return 'bail';
  const reference = parseWithXml2js(xml);
  if (fast === FAIL) {
    expect([xml, reference]).toEqual([xml, undefined]);
  } else {
    // Same tree, same key order (JSON keeps order; toEqual does not).
    expect([xml, JSON.stringify(fast)]).toEqual([xml, JSON.stringify(reference)]);
    expect(fast).toEqual(reference);
  }
  return 'fast';
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/messages.json', import.meta.url), 'utf8')) as Record<
  string,
  { Content?: unknown; OriContent?: unknown }
>;
const payloads = Object.values(fixtures)
  .flatMap((m) => [m.Content, m.OriContent])
  .filter((c): c is string => typeof c === 'string')
  .map((c) => prepared(c.replace(/^[@A-Za-z0-9_.-]{1,128}:<br\/>/, '')))
  .filter((x) => x.startsWith('<'));

const EDGE_CASES = [
  '<msg/>',
  '<msg a="1"/>',
  '<msg>  </msg>',
  '<msg>\n <a>1</a>\n <a>2</a>\n <a>3</a>\n</msg>',
  '<msg><a x="1">t</a><a/><b> </b></msg>',
  '<msg>text<a>1</a>more</msg>',
  '<msg x="1">  padded  </msg>',
  '<msg><![CDATA[  ]]></msg>',
  '<msg><t><![CDATA[<b>&amp;</b>]]></t><t>a<![CDATA[b]]>c</t></msg>',
  '<msg a="&quot;q&quot;" b=\'it&apos;s\' c = "x"/>',
  '<msg>&#65;&#x42;&#X43;&#0065;&#x00041;&lt;&gt;&amp;</msg>',
  '<msg>&#0;</msg>',
  '<msg>&#x110000;</msg>',
  '<msg>&#99999999999999999999;</msg>',
  '<msg>a & b</msg>',
  '<msg>a &b</msg>',
  '<msg>x=1&y=2</msg>',
  '<msg>&nbsp;</msg>',
  '<msg>&AMP;</msg>',
  '<msg>&#;</msg>',
  '<msg>&#x;</msg>',
  '<msg>&é;</msg>',
  '<msg><a>1</a></msg>trailing',
  '<msg><a>1</a></msg><other/>',
  '<?xml version="1.0" encoding="UTF-8"?>\n<msg><a>1</a></msg>',
  '<?xml version="1.0"?><?other?> <msg/>',
  '<msg><unclosed></msg>',
  '<msg><unclosed>',
  '<msg>',
  '<msg><a></b></msg>',
  '<msg a="1"b="2"/>',
  '<msg a=1/>',
  '<msg a/>',
  '<msg a="1" a="2"/>',
  '<msg a="x<y"/>',
  '<msg a="x>y"/>',
  '<msg>a > b</msg>',
  '<msg><!-- note --><a>1</a></msg>',
  '<!DOCTYPE x><msg/>',
  '<msg><constructor>1</constructor><toString/><__proto__/></msg>',
  '<msg __proto__="x"/>',
  '<msg><_>1</_><cdata/></msg>',
  '<msg><cdata>1</cdata><![CDATA[x]]></msg>',
  '<m:msg xmlns:m="u"><m:a>1</m:a></m:msg>',
  '<msg><a-b.c_d>1</a-b.c_d></msg>',
  '<msg><名>1</名></msg>',
  '< msg/>',
  '<msg / >',
  '<msg>\u2005\u3000</msg>',
  '<msg><a>\u00a0x\u00a0</a></msg>',
  '<msg a="line\nbreak\ttab"/>',
  '<msg></msg >',
  '<msg><a>1</a ></msg>',
  '<msg>',
  '<1msg/>',
];

describe('readXml (the fast path of parseContentXml)', () => {
  it('builds exactly the tree xml2js builds, for every XML payload in the fixtures', () => {
    const outcomes = payloads.map(agrees);
    // The point of the reader: the fixtures' payloads take the fast path.
    expect(outcomes.filter((o) => o === 'fast').length).toBeGreaterThanOrEqual(Math.ceil(payloads.length * 0.9));
    expect(payloads.length).toBeGreaterThan(20);
  });

  it('agrees with xml2js on edge cases, or leaves them to it', () => {
    const outcomes = EDGE_CASES.map(agrees);
    expect(outcomes.filter((o) => o === 'fast').length).toBeGreaterThan(EDGE_CASES.length / 2);
  });

  it('agrees with xml2js on fuzzed payloads (seeded)', () => {
    const pieces = [
      '<a>',
      '</a>',
      '<b x="1">',
      '</b>',
      '<c/>',
      ' ',
      '\n',
      'txt',
      '&amp;',
      '&',
      '&#65;',
      '<![CDATA[ z ]]>',
      '"',
      "'",
      '=',
      '>',
      '<',
      '/',
      '<!--c-->',
      'é',
    ];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let fast = 0;
    for (let t = 0; t < 3000; t++) {
      let body = '';
      const count = Math.floor(random() * 12);
      for (let p = 0; p < count; p++) body += pieces[Math.floor(random() * pieces.length)]!;
      if (agrees(`<msg>${body}</msg>`) === 'fast') fast++;
    }
    // Mutations of real payloads: one character dropped, duplicated or swapped in.
    for (const payload of payloads) {
      for (let t = 0; t < 20; t++) {
        const at = Math.floor(random() * payload.length);
        const ch = '<>/&;="\' x'[Math.floor(random() * 10)]!;
        const variants = [payload.slice(0, at) + payload.slice(at + 1), payload.slice(0, at) + ch + payload.slice(at)];
        for (const v of variants) if (v.startsWith('<')) agrees(v);
      }
    }
    expect(fast).toBeGreaterThan(500);
  });

  it('is what parseContentXml uses, with the bare-ampersand retry still working', () => {
    expect(parseContentXml('<msg><url>http://a.example/?x=1&y=2</url></msg>')).toEqual({
      msg: { url: 'http://a.example/?x=1&y=2' },
    });
  });
});
