import { checkConfigShape } from '../../src/config/schema.js';
import { ChatSwitches } from '../../src/plugin/chat-switches.js';
import { answerOwnerCommand, checkOwnerCommandsOptions, findPlugin, isOwner } from '../../src/plugin/owner-commands.js';
import type { KeyValueStore } from '../../src/storage/types.js';

describe('owner command settings', () => {
  const lines = (ownerCommands: unknown) =>
    checkConfigShape({ account: { ownerCommands } }).map((i) => `${i.path}: ${i.message}`);

  test('the config check names the bad entry and says what to write instead', () => {
    expect(lines({})).toEqual([]);
    expect(lines(false)).toEqual([]);
    expect(lines({ owners: ['wxid_bob', 'Carol'], prefixes: ['!'], command: 'plugins' })).toEqual([]);
    const [weak] = lines({ owners: ['weak:friend:Alice'] });
    expect(weak).toMatch(/^account\.ownerCommands\.owners\[0\]: "weak:friend:Alice" is a weak stable id.*strong id/);
    expect(lines({ owners: [''] })[0]).toMatch(/^account\.ownerCommands\.owners\[0\]: /);
    expect(lines({ command: 'two words' })[0]).toMatch(/^account\.ownerCommands\.command: .*letters, digits/);
    expect(lines({ owner: [] })[0]).toMatch(/^account\.ownerCommands\.owner: .*owners/);
    expect(lines(true)[0]).toMatch(/^account\.ownerCommands: /);
  });

  test('code passing options directly gets the same refusals at construction', () => {
    expect(() => checkOwnerCommandsOptions({ owners: ['weak:friend:Al'] })).toThrow(/owners\[0\]: .*weak stable id/);
    expect(() => checkOwnerCommandsOptions({ prefixes: [] })).toThrow(/prefixes: expected a non-empty array/);
    expect(() => checkOwnerCommandsOptions({ command: '/plugin' })).toThrow(/command: "\/plugin" is not/);
    expect(() => checkOwnerCommandsOptions({ owners: ['alias:bob', 'Carol'] })).not.toThrow();
  });
});

describe('isOwner', () => {
  const who = (over: Partial<Parameters<typeof isOwner>[1]>) => ({
    isSelf: false,
    stableId: undefined,
    contact: undefined,
    ...over,
  });
  test('the account, a listed strong id and a listed remark pass; names and weak ids never do', () => {
    expect(isOwner([], who({ isSelf: true }))).toBe(true);
    expect(isOwner(['wxid_bob'], who({ stableId: 'wxid_bob' }))).toBe(true);
    expect(isOwner(['wxid_bob'], who({ stableId: 'wxid_bob', stableIdConfidence: 'weak' } as never))).toBe(false);
    expect(isOwner(['weak:friend:Bob'], who({ stableId: 'weak:friend:Bob' }))).toBe(false);
    const carol = { remarkName: 'Carol', nickName: 'C' } as never;
    expect(isOwner(['Carol'], who({ contact: carol }))).toBe(true);
    const mallory = { remarkName: '', nickName: 'Carol' } as never;
    expect(isOwner(['Carol'], who({ contact: mallory }))).toBe(false);
  });
});

describe('findPlugin', () => {
  const known = ['echo', '@wxbot/plugin-autoreply', '@me/wxbot-plugin-shout', 'plugin-x', '@a/plugin-x'];
  test('full names, then unambiguous short names', () => {
    expect(findPlugin(known, 'echo')).toBe('echo');
    expect(findPlugin(known, 'autoreply')).toBe('@wxbot/plugin-autoreply');
    expect(findPlugin(known, 'plugin-autoreply')).toBe('@wxbot/plugin-autoreply');
    expect(findPlugin(known, 'shout')).toBe('@me/wxbot-plugin-shout');
    expect(findPlugin(known, 'plugin-x')).toBe('plugin-x');
    // Two plugins shorten to "x": neither is guessed.
    expect(findPlugin(known, 'x')).toBeUndefined();
    expect(findPlugin(known, 'nope')).toBeUndefined();
  });
});

describe('answerOwnerCommand', () => {
  const usage = 'Usage: /plugin list | on <plugin> | off <plugin>';
  const command = (rest: string, stableId: string | undefined) =>
    ({ command: { rest }, chat: { stableId, userName: '@@session' } }) as never;

  test('a chat without a stable id is switched by its session UserName, and the owner is told it will not last', async () => {
    const switches = new ChatSwitches();
    const host = { switches, plugins: () => ['echo'] };
    expect(await answerOwnerCommand(host, command('off echo', undefined), usage)).toBe(
      'echo is now off in this chat (until the next login: this chat has no stable id yet).',
    );
    expect(switches.list()).toEqual([{ plugin: 'echo', chat: '@@session' }]);
    expect(await answerOwnerCommand(host, command('list', undefined), usage)).toBe('echo: off');
  });

  test('a switch that cannot be saved is answered with why', async () => {
    const broken = {
      get: () => Promise.resolve(undefined),
      set: () => Promise.reject(new Error('disk full')),
    } as unknown as KeyValueStore;
    const host = { switches: new ChatSwitches(broken), plugins: () => ['echo'] };
    expect(await answerOwnerCommand(host, command('off echo', 'wxid_x'), usage)).toBe(
      'Could not save the switch for echo: disk full',
    );
  });

  test('no plugins, a bad verb and a missing name', async () => {
    const host = { switches: new ChatSwitches(), plugins: () => [] };
    expect(await answerOwnerCommand(host, command('list', 'r'), usage)).toBe('No plugins to switch.');
    expect(await answerOwnerCommand(host, command('off x', 'r'), usage)).toBe(
      'Unknown plugin "x". Known plugins: (none)',
    );
    expect(await answerOwnerCommand(host, command('toggle x', 'r'), usage)).toBe(usage);
    expect(await answerOwnerCommand(host, command('OFF', 'r'), usage)).toBe(usage);
  });
});
