import { parseCommand, tokenizeArguments } from '../../src/plugin/command.js';

describe('parseCommand', () => {
  test('name, args and rest', () => {
    expect(parseCommand('/Kick  alice   bob')).toEqual({
      name: 'kick',
      prefix: '/',
      args: ['alice', 'bob'],
      mentionNames: [],
      rest: 'alice   bob',
    });
  });
  test('quoted arguments: ASCII, curly, corner brackets, escapes, unclosed', () => {
    expect(parseCommand('/topic "Book club 2" x')?.args).toEqual(['Book club 2', 'x']);
    expect(parseCommand('/topic “读书 会” ‘a b’ 「c d」')?.args).toEqual(['读书 会', 'a b', 'c d']);
    expect(parseCommand('/say "he said \\"hi\\""')?.args).toEqual(['he said "hi"']);
    expect(parseCommand("/say 'unclosed here")?.args).toEqual(['unclosed here']);
  });
  test('mentions end at U+2005 and may contain spaces; without U+2005 at whitespace', () => {
    expect(parseCommand('/kick @Big Bob\u2005@Carol\u2005spam')).toMatchObject({
      args: ['spam'],
      mentionNames: ['Big Bob', 'Carol'],
    });
    expect(parseCommand('/kick @Dave reason')).toMatchObject({ args: ['reason'], mentionNames: ['Dave'] });
  });
  test('leading mentions of the bot are skipped', () => {
    expect(parseCommand('@Bot\u2005/help')?.name).toBe('help');
  });
  test('a leading mention typed with a normal space is skipped too (PC/Mac clients, the chat prompt)', () => {
    expect(parseCommand('@Bot /help')?.name).toBe('help');
    expect(parseCommand('@Bot  /kick @Bob\u2005spam')).toMatchObject({ name: 'kick', mentionNames: ['Bob'] });
    expect(parseCommand('@Big Bob\u2005/help')?.name).toBe('help');
    expect(parseCommand('@Bot hello /help')).toBeUndefined();
  });
  test('not a command', () => {
    expect(parseCommand('hello /kick')).toBeUndefined();
    expect(parseCommand('/')).toBeUndefined();
    expect(parseCommand('/kick!')).toBeUndefined();
    expect(parseCommand('/kick', ['!'])).toBeUndefined();
  });
  test('tokenizeArguments on empty input', () => {
    expect(tokenizeArguments('   ')).toEqual({ args: [], mentionNames: [] });
  });
});
