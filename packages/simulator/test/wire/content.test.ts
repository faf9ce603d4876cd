import { encodeTextContent, escapeHtml, withSenderPrefix } from '../../src/wire/content.js';

describe('Content encoding', () => {
  it('HTML-escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });

  it('turns line breaks (LF and CRLF) into <br/> after escaping', () => {
    expect(encodeTextContent('a<b\nc\r\nd')).toBe('a&lt;b<br/>c<br/>d');
  });

  it('prefixes room messages with the speaker', () => {
    expect(withSenderPrefix('@abc', encodeTextContent('hi\nall'))).toBe('@abc:<br/>hi<br/>all');
  });
});
