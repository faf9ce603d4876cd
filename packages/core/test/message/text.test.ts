import { cleanText, emojiCodeToString, unescapeHtml } from '../../src/message/text.js';

/** The regex decoder unescapeHtml replaced: an oracle for the scanner. */
function referenceUnescape(input: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };
  const char = (cp: number): string | null =>
    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? null : String.fromCodePoint(cp);
  return input.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));/g,
    (whole, dec?: string, hex?: string, name?: string) =>
      (dec !== undefined
        ? char(Number.parseInt(dec, 10))
        : hex !== undefined
          ? char(Number.parseInt(hex, 16))
          : Object.hasOwn(named, name!)
            ? named[name!]
            : null) ?? whole,
  );
}

describe('text clean-up', () => {
  it('unescapeHtml agrees with the regex decoder on seeded random input', () => {
    const pieces = [
      '&',
      '#',
      'x',
      'X',
      ';',
      'lt',
      'amp',
      'quot',
      'nbsp',
      'foo',
      '1',
      '12345678',
      'd800',
      '1F600',
      'a',
      ' ',
      '&&',
    ];
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let t = 0; t < 5000; t++) {
      let input = '';
      const count = Math.floor(random() * 10);
      for (let p = 0; p < count; p++) input += pieces[Math.floor(random() * pieces.length)]!;
      expect([input, unescapeHtml(input)]).toEqual([input, referenceUnescape(input)]);
    }
  });

  it('decodes one level of entities; unknown or invalid ones stay', () => {
    expect(unescapeHtml('&lt;b&gt; &amp;quot; &#39;x&#39; &#x1F600; &nbsp;')).toBe("<b> &quot; 'x' 😀  ");
    expect(unescapeHtml('&bogus; &#xD800; &#99999999;')).toBe('&bogus; &#xD800; &#99999999;');
    expect(unescapeHtml('plain')).toBe('plain');
    // At most 7 decimal / 6 hex digits, as the grammar always had.
    expect(unescapeHtml('&#0000065;&#00000065;&#x000041;&#x0000041;')).toBe('A&#00000065;A&#x0000041;');
  });

  it('splits concatenated emoji code points (flags, ZWJ, keycaps, BMP)', () => {
    expect(emojiCodeToString('1f604')).toBe('😄');
    expect(emojiCodeToString('1f1e81f1f3')).toBe('🇨🇳');
    expect(emojiCodeToString('1f468200d1f469200d1f467')).toBe('👨‍👩‍👧');
    expect(emojiCodeToString('002320e3')).toBe('#⃣');
    expect(emojiCodeToString('2600')).toBe('☀');
    expect(emojiCodeToString('zz')).toBeNull();
  });

  it("applies the web client's remap: the server's cat faces are the smileys the sender saw", () => {
    expect(emojiCodeToString('1f639')).toBe('😂');
    expect(emojiCodeToString('1f64d')).toBe('😔');
    expect(emojiCodeToString('1f63c')).toBe('😁');
    expect(cleanText('ok<span class="emoji emoji1f63f"></span>')).toBe('ok😢');
    // Codes outside the table stay as they are, also inside a sequence.
    expect(emojiCodeToString('1f638')).toBe('😸');
    expect(emojiCodeToString('1f6391f604')).toBe('😂😄');
  });

  it('replaces span and img emoji tags, <br/>, then entities — but not escaped, user-typed tags', () => {
    expect(cleanText('a<br/>b<span class="emoji emoji1f42e"></span>')).toBe('a\nb🐮');
    expect(cleanText('<img class="emoji emoji1f42e" text="_web" src="/spacer.gif" />')).toBe('🐮');
    expect(cleanText('&lt;span class="emoji emoji1f42e"&gt;&lt;/span&gt;')).toBe(
      '<span class="emoji emoji1f42e"></span>',
    );
    expect(cleanText('<span class="emoji emojizz"></span>')).toBe('<span class="emoji emojizz"></span>');
  });
});
