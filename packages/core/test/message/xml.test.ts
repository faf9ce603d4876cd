import { Parser } from 'xml2js';
import { MAX_XML_CHARS, attr, child, childText, children, parseContentXml } from '../../src/message/xml.js';

describe('parseContentXml', () => {
  it('xml2js answers synchronously with async: false (the normaliser relies on it)', () => {
    let answered = false;
    new Parser({ async: false }).parseString('<a>1</a>', () => {
      answered = true;
    });
    expect(answered).toBe(true);
  });

  it('unescapes HTML-escaped XML once and drops <br/> line breaks', () => {
    const node = parseContentXml(
      '&lt;msg a="x &amp;quot;y&amp;quot;"&gt;<br/>&lt;b&gt;1&lt;/b&gt;&lt;b&gt;2&lt;/b&gt;&lt;/msg&gt;<br/>',
    );
    const msg = child(node, 'msg');
    expect(attr(msg, 'a')).toBe('x "y"');
    expect(children(msg, 'b')).toEqual(['1', '2']);
  });

  it('parses raw XML without unescaping it', () => {
    expect(attr(child(parseContentXml('<msg a="&quot;q&quot;"/>'), 'msg'), 'a')).toBe('"q"');
  });

  it('tolerates bare ampersands in URLs', () => {
    expect(childText(parseContentXml('<msg><url>http://a.example/?x=1&y=2</url></msg>'), 'msg', 'url')).toBe(
      'http://a.example/?x=1&y=2',
    );
  });

  it('refuses DOCTYPE entity expansion (billion laughs)', () => {
    const bomb = `<!DOCTYPE x [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><msg>&b;</msg>`;
    const node = parseContentXml(bomb);
    expect(childText(node, 'msg') ?? '').not.toContain('aaaa');
  });

  it('skips payloads above the size limit, and non-XML', () => {
    expect(parseContentXml(`<msg>${'z'.repeat(MAX_XML_CHARS)}</msg>`)).toBeUndefined();
    expect(parseContentXml('just text')).toBeUndefined();
    expect(parseContentXml('')).toBeUndefined();
    expect(parseContentXml('<msg><unclosed>')).toBeUndefined();
  });

  it('never exposes inherited properties as elements', () => {
    const node = parseContentXml('<msg><x>1</x></msg>');
    expect(child(child(node, 'msg'), 'constructor')).toBeUndefined();
    expect(attr(child(node, 'msg'), 'toString')).toBeUndefined();
  });
});
