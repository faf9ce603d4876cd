import { parseCommand } from '../src/command.js';

describe('parseCommand', () => {
  it('reads the name, the rest and mentions ended by U+2005', () => {
    expect(parseCommand('/kick @Tom\u2005@Ann Lee\u2005')).toEqual({
      name: 'kick',
      rest: '@Tom\u2005@Ann Lee',
      mentions: ['Tom', 'Ann'],
    });
  });

  it('keeps free text for /topic and lower-cases the name', () => {
    expect(parseCommand('  /TOPIC  Weekend hikers 2026 ')).toEqual({
      name: 'topic',
      rest: 'Weekend hikers 2026',
      mentions: [],
    });
  });

  it('ignores non-commands, e-mail addresses and a custom prefix', () => {
    expect(parseCommand('hello /kick')).toBeNull();
    expect(parseCommand('/ kick')).toBeNull();
    expect(parseCommand('/warn mail a@b.com')?.mentions).toEqual([]);
    expect(parseCommand('!help', '!')).toEqual({ name: 'help', rest: '', mentions: [] });
  });
});
