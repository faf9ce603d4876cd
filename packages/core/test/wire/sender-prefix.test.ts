import { splitSenderPrefix } from '../../src/wire/sender-prefix.js';

test('a room entry’s sender prefix is split from its body', () => {
  expect(splitSenderPrefix('@0a1b:<br/>hello')).toEqual({ sender: '@0a1b', body: 'hello' });
  expect(splitSenderPrefix('wxid_abc-1:<br/>hi:<br/>there')).toEqual({ sender: 'wxid_abc-1', body: 'hi:<br/>there' });
});

test('senders the client once read differently from the normaliser are read alike', () => {
  // Upper-case session names and dotted ids: the client's own regex rejected both, so it never fetched
  // such a member before delivering, while the normaliser attributed the message to them.
  expect(splitSenderPrefix('@0A1B:<br/>x')?.sender).toBe('@0A1B');
  expect(splitSenderPrefix('first.last:<br/>x')?.sender).toBe('first.last');
});

test('prose before `:<br/>` is no sender, so forward keeps it as text', () => {
  // The old forward regex ([^:<]+) would have cut "Note to self" off a forwarded message.
  expect(splitSenderPrefix('Note to self:<br/>milk')).toBeUndefined();
  expect(splitSenderPrefix('plain text')).toBeUndefined();
  expect(splitSenderPrefix(`${'a'.repeat(129)}:<br/>x`)).toBeUndefined();
});
