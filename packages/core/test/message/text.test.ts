import { cleanText, emojiCodeToString, unescapeHtml } from '../../src/message/text.js';

describe('text clean-up', () => {
  it('decodes one level of entities; unknown or invalid ones stay', () => {
    expect(unescapeHtml('&lt;b&gt; &amp;quot; &#39;x&#39; &#x1F600; &nbsp;')).toBe("<b> &quot; 'x' 😀  ");
    expect(unescapeHtml('&bogus; &#xD800; &#99999999;')).toBe('&bogus; &#xD800; &#99999999;');
    expect(unescapeHtml('plain')).toBe('plain');
  });

  it('splits concatenated emoji code points (flags, ZWJ, keycaps, BMP)', () => {
    expect(emojiCodeToString('1f604')).toBe('😄');
    expect(emojiCodeToString('1f1e81f1f3')).toBe('🇨🇳');
    expect(emojiCodeToString('1f468200d1f469200d1f467')).toBe('👨‍👩‍👧');
    expect(emojiCodeToString('002320e3')).toBe('#⃣');
    expect(emojiCodeToString('2600')).toBe('☀');
    expect(emojiCodeToString('zz')).toBeNull();
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
