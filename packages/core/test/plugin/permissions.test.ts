import { definePlugin } from '../../src/plugin/define.js';
import { makeHost } from './helpers.js';
import {
  PermissionDenied,
  checkPermissions,
  createPermit,
  narrowingProblems,
  warnUnmanifested,
  type PermissionManifest,
} from '../../src/plugin/permissions.js';

const noRooms = () => ({ room: () => undefined });
const family = () => ({
  room: (u: string) => (u === '@@family' ? ({ topic: 'Family', stableId: 'room:family' } as never) : undefined),
});

describe('definePlugin permissions', () => {
  test('a manifest is checked where it is written, with a suggestion', () => {
    expect(() => definePlugin({ name: 'x', permissions: { actions: ['sned' as 'send'] }, setup() {} })).toThrow(
      /permissions\.actions lists "sned", which is not an action; did you mean "send"\?/,
    );
    expect(() =>
      definePlugin({ name: 'x', permissions: { actions: ['send'], chats: 'groups' as 'rooms' }, setup() {} }),
    ).toThrow(/chats is "groups"; expected one of any, rooms, direct, none/);
    const p = definePlugin({ name: 'x', permissions: { actions: ['send', 'rooms.*'] }, setup() {} });
    expect(p.permissions).toEqual({ actions: ['send', 'rooms.*'], chats: 'any' });
    expect(definePlugin({ name: 'y', setup() {} }).permissions).toBeUndefined();
  });
});

describe('narrowingProblems', () => {
  const manifest: PermissionManifest = { actions: ['send', 'rooms.remove'], chats: 'rooms' };
  test('narrowing within the manifest is fine', () => {
    expect(narrowingProblems('mod', manifest, { actions: ['send'], rooms: ['Family'] })).toEqual([]);
  });
  test('an action the manifest lacks is refused, naming it and the declared ones', () => {
    expect(narrowingProblems('mod', manifest, { actions: ['rooms.*'] })).toEqual([
      {
        path: 'permissions.actions[0]',
        message: expect.stringMatching(
          /"rooms\.\*" widens plugin "mod": its manifest does not declare rooms\.add, rooms\.invite.*only narrow.*declared: send, rooms\.remove/,
        ),
      },
    ]);
  });
  test('a wider chat scope, a rooms list on a direct-only plugin and unknown keys are refused', () => {
    expect(narrowingProblems('mod', manifest, { chats: 'any' })[0]?.message).toMatch(/"any" widens plugin "mod"/);
    expect(narrowingProblems('dm', { actions: ['send'], chats: 'direct' }, { rooms: ['Family'] })[0]?.message).toMatch(
      /may not act in rooms at all/,
    );
    expect(narrowingProblems('mod', manifest, { room: ['Family'] })).toEqual([
      { path: 'permissions.room', message: expect.stringMatching(/unknown key/) },
    ]);
  });
  test('without a manifest the config can narrow anything', () => {
    expect(narrowingProblems('third', undefined, { actions: ['*'], chats: 'any', rooms: ['Family'] })).toEqual([]);
  });
  test('checkPermissions throws for a plugin handed over with a widening narrowing', () => {
    const p = definePlugin({ name: 'mod', permissions: manifest, setup() {} });
    expect(() => checkPermissions([{ plugin: p, permissions: { actions: ['acceptFriend'] } }])).toThrow(
      /plugin "mod": permissions\.actions\[0\]: "acceptFriend" widens/,
    );
  });
});

describe('createPermit', () => {
  test('no manifest and no narrowing: nothing to check', () => {
    expect(createPermit('p', undefined, undefined, noRooms)).toBeUndefined();
  });
  test('an action outside the manifest is refused with plugin, action, target and fix', () => {
    const permit = createPermit('mod', { actions: ['send'], chats: 'any' }, undefined, noRooms)!;
    expect(() => permit('send', '@alice', 'Alice')).not.toThrow();
    let error: unknown;
    try {
      permit('removeMembers', '@@room', 'Family');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PermissionDenied);
    expect(error).toMatchObject({ plugin: 'mod', action: 'rooms.remove', target: '@@room', by: 'manifest' });
    expect((error as Error).message).toMatch(
      /plugin "mod" may not rooms\.remove on "Family": its manifest does not declare "rooms\.remove".*definePlugin/,
    );
  });
  test('chat scopes: rooms-only refuses direct chats, direct-only refuses rooms and room creation', () => {
    const rooms = createPermit('r', { actions: ['*'], chats: 'rooms' }, undefined, noRooms)!;
    expect(() => rooms('send', '@@x', undefined)).not.toThrow();
    expect(() => rooms('send', '@bob', 'Bob')).toThrow(/may act only on chats: "rooms", and this is a direct chat/);
    const direct = createPermit('d', { actions: ['*'], chats: 'direct' }, undefined, noRooms)!;
    expect(() => direct('send', '@bob', 'Bob')).not.toThrow();
    expect(() => direct('createRoom', '', undefined)).toThrow(PermissionDenied);
  });
  test('a config rooms list allows only those rooms, matched by topic or stable id, and refuses creating rooms', () => {
    const permit = createPermit('mod', { actions: ['*'] }, { rooms: ['Family'] }, family)!;
    expect(() => permit('removeMembers', '@@family', undefined)).not.toThrow();
    expect(() => permit('removeMembers', '@@other', 'Work')).toThrow(
      /its config entry allows only the rooms "Family".*permissions\.rooms/,
    );
    expect(() => permit('createRoom', '', undefined)).toThrow(/may not create new ones/);
    // Direct chats are not rooms: a rooms list leaves them to the chat scope.
    expect(() => permit('send', '@bob', 'Bob')).not.toThrow();
    expect(createPermit('s', { actions: ['*'] }, { rooms: ['room:family'] }, family)!).toBeDefined();
    expect(() =>
      createPermit('s', { actions: ['*'] }, { rooms: ['room:family'] }, family)!('send', '@@family', undefined),
    ).not.toThrow();
  });
  test('a config narrowing of actions refuses the rest, saying where to change it', () => {
    const permit = createPermit('mod', { actions: ['send', 'rooms.remove'] }, { actions: ['send'] }, noRooms)!;
    expect(() => permit('removeMembers', '@@x', undefined)).toThrow(
      expect.objectContaining({
        by: 'config',
        message: expect.stringMatching(/allows only send; add "rooms\.remove"/),
      }),
    );
  });
});

test('a package plugin without a manifest is warned about once, naming how to narrow it', () => {
  const warnings: string[] = [];
  const p = definePlugin({ name: 'npm-thing-warn-test', setup() {} });
  warnUnmanifested(p, false, (m) => warnings.push(m));
  warnUnmanifested(p, false, (m) => warnings.push(m));
  warnUnmanifested(definePlugin({ name: 'declared', permissions: { actions: ['send'] }, setup() {} }), false, (m) =>
    warnings.push(m),
  );
  warnUnmanifested(definePlugin({ name: 'narrowed', setup() {} }), true, (m) => warnings.push(m));
  expect(warnings).toEqual([
    expect.stringMatching(
      /plugin "npm-thing-warn-test" declares no permissions, so it may use every action.*\{ permissions:/,
    ),
  ]);
});

test('the host warns about a package plugin without a manifest, and checks the rest through the fake backend', async () => {
  const { host, backend, messages, log } = makeHost();
  const fromNpm = definePlugin({
    name: 'host-warn-npm-test',
    setup(ctx) {
      ctx.onDispose(() => undefined);
    },
  });
  const local = definePlugin({ name: 'host-warn-local-test', setup() {} });
  let denied: unknown;
  const strict = definePlugin({
    name: 'strict',
    permissions: { actions: ['send'], chats: 'direct' },
    async setup(ctx) {
      await ctx.send('Alice', 'hi');
      denied = await ctx.send('Book club', 'hi all').catch((e: unknown) => e);
    },
  });
  await host.start([
    { plugin: fromNpm, options: undefined, fromPackage: 'wxbot-plugin-host-warn-npm-test' },
    { plugin: local, options: undefined },
    { plugin: strict, options: undefined },
  ]);
  expect(messages().filter((m) => m.includes('declares no permissions'))).toEqual([
    expect.stringContaining('plugin "host-warn-npm-test" declares no permissions'),
  ]);
  expect(denied).toBeInstanceOf(PermissionDenied);
  expect(backend.calls.map((c) => [c.method, c.args[0]])).toEqual([['sendText', '@alice']]);
  expect(log.all().map((r) => [r.action, r.target, r.status])).toEqual([
    ['send', '@alice', 'done'],
    ['send', '@@book', 'failed'],
  ]);
  await host.stop();
});
