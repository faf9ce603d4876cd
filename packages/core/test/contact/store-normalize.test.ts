import { MemoryContactStore } from '../../src/contact/store.js';
import { normalizeMessage } from '../../src/message/normalize.js';
import { rawMessage } from '../message/helpers.js';

// The normaliser used to see raw markup names from the store and cleaned them itself;
// these check it still resolves people now that the store holds display text.
const MOON = '<span class="emoji emoji1f31b"></span>';
const DAVE = `@dave${'0'.repeat(59)}`;
const ANN = `@ann${'0'.repeat(60)}`;

function store(): MemoryContactStore {
  const s = new MemoryContactStore();
  s.setSelf({ UserName: '@self', NickName: `Bot ${MOON}` });
  s.upsert({ UserName: DAVE, NickName: `Dave ${MOON}`, RemarkName: 'D &amp; D', ContactFlag: 3 });
  s.upsert({
    UserName: '@@room',
    NickName: `Moon &amp; Co ${MOON}`,
    MemberList: [
      { UserName: '@self', NickName: `Bot ${MOON}`, DisplayName: '' },
      { UserName: DAVE, NickName: `Dave ${MOON}`, DisplayName: '' },
      { UserName: ANN, NickName: 'Ann', DisplayName: `Ann &amp; ${MOON}` },
    ],
  });
  return s;
}

describe('normalising against a store that holds display names', () => {
  it('resolves @mentions of emoji and entity names, and names the sender and room in display text', () => {
    const s = store();
    const { message } = normalizeMessage(
      rawMessage({
        FromUserName: '@@room',
        Content: `${DAVE}:<br/>@Ann &amp; ${MOON}\u2005@Bot ${MOON}\u2005hi`,
      }),
      { directory: s },
    );
    expect(message.text).toBe('@Ann & 🌛\u2005@Bot 🌛\u2005hi');
    expect(message.mentions).toEqual([ANN, '@self']);
    expect(message.mentionsSelf).toBe(true);
    expect(message.sender.name).toBe('Dave 🌛');
    expect(message.chat.name).toBe('Moon & Co 🌛');
  });

  it('names a private peer by its cleaned remark name', () => {
    const { message } = normalizeMessage(rawMessage({ FromUserName: DAVE, Content: 'hello' }), {
      directory: store(),
    });
    expect(message.chat.name).toBe('D & D');
    expect(message.sender.contact?.nickName).toBe('Dave 🌛');
  });

  it('decodes names once: a name whose display text is a literal entity stays as shown', () => {
    const s = new MemoryContactStore();
    s.setSelf({ UserName: '@self', NickName: 'Bot' });
    // On the wire "&amp;lt;3" is the text "&lt;3" as the person typed it; decoding twice would give "<3".
    s.upsert({ UserName: DAVE, NickName: 'I &amp;lt;3 tea', ContactFlag: 3 });
    const { message } = normalizeMessage(rawMessage({ FromUserName: DAVE, Content: 'hello' }), { directory: s });
    expect(s.contact(DAVE)?.nickName).toBe('I &lt;3 tea');
    expect(message.chat.name).toBe('I &lt;3 tea');
    expect(message.sender.name).toBe('I &lt;3 tea');
  });
});
