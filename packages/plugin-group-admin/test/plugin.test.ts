import {
  ActionLog,
  CapabilityMissing,
  PluginHost,
  WEB_CAPABILITIES,
  createLogger,
  createMemoryStorage,
  type Contact,
  type HostTransport,
  type TransportCapabilities,
} from '@wxbot/core';

import groupAdmin, { isAdmin } from '../src/index.js';

/** A contact as the store builds it for someone known only by name: a weak, name-based stable id. */
function namesake(userName: string, remarkName = ''): Contact {
  return {
    userName,
    stableId: 'weak:friend:Alice',
    stableIdConfidence: 'weak',
    kind: 'friend',
    nickName: 'Alice',
    remarkName,
    alias: '',
    raw: { UserName: userName, NickName: 'Alice' },
  };
}

describe('isAdmin', () => {
  it('never lets a weak (name-based) stable id pass: two namesakes would share it', () => {
    const admins = ['weak:friend:Alice'];
    for (const c of [namesake('@alice'), namesake('@impostor')])
      expect(isAdmin(admins, { isSelf: false, stableId: c.stableId, contact: c })).toBe(false);
    // Even when a sender reaches the check without its contact, the weak prefix alone is enough to refuse.
    expect(isAdmin(admins, { isSelf: false, stableId: 'weak:friend:Alice', contact: undefined })).toBe(false);
  });

  it('matches strong ids, remark names the owner set, and the account itself', () => {
    expect(isAdmin(['wxid_alice'], { isSelf: false, stableId: 'wxid_alice', contact: undefined })).toBe(true);
    expect(isAdmin(['alias:alice_w'], { isSelf: false, stableId: 'alias:alice_w', contact: undefined })).toBe(true);
    const remarked = namesake('@alice', 'Alice (sister)');
    expect(isAdmin(['Alice (sister)'], { isSelf: false, stableId: remarked.stableId, contact: remarked })).toBe(true);
    expect(isAdmin([], { isSelf: true, stableId: undefined, contact: undefined })).toBe(true);
    expect(isAdmin(['wxid_alice'], { isSelf: false, stableId: 'wxid_bob', contact: undefined })).toBe(false);
  });
});

describe('a refused command', () => {
  it('logs the strong id the owner would list to make the sender an admin', async () => {
    const { createLogger } = await import('@wxbot/core');
    const { createTestBot } = await import('@wxbot/core/testing');
    const { default: groupAdmin } = await import('../src/index.js');
    const { world, ROOM, M } = await import('./helpers.js');
    const lines: string[] = [];
    const sink = {
      write: (line: string) => {
        lines.push(line);
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    const bot = await createTestBot({
      plugins: [[groupAdmin, { admins: ['wxid_alice'] }]],
      world: world(),
      logger: createLogger({ level: 'info', pretty: false }, sink),
    });
    try {
      await bot.receive(`/kick @Erin${M}`, { from: 'wxid_bob', room: ROOM }); // a friend: known by wxid
      await bot.receive(`/kick @Bob${M}`, { from: 'wxid_mallory', room: ROOM }); // not a contact: no strong id
      const refused = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['command'] === 'kick');
      expect(refused).toMatchObject([
        { plugin: '@wxbot/plugin-group-admin', sender: 'Bob', strongId: 'wxid_bob', msg: /list strongId in admins/ },
        { plugin: '@wxbot/plugin-group-admin', sender: 'Alice', msg: /no strong id known: list a remark name/ },
      ]);
      expect(refused[1]).not.toHaveProperty('strongId');
    } finally {
      await bot.close();
    }
  });
});

/** A plugin host on a transport like the official bot API: direct chats only, no rooms, no friend requests. */
function officialBotHost(): PluginHost {
  const capabilities: TransportCapabilities = {
    ...WEB_CAPABILITIES,
    rooms: false,
    friendRequests: false,
    addFriends: false,
    roomAdmin: false,
    recall: false,
    replyWindowMs: 86_400_000,
  };
  return new PluginHost({
    logger: createLogger({ level: 'silent' }),
    storage: createMemoryStorage(),
    log: new ActionLog(),
    transport: {
      name: 'ilink',
      capabilities,
      contacts: {} as HostTransport['contacts'],
      sendText: () => Promise.reject(new Error('unused')),
    },
  });
}

describe('capabilities', () => {
  it('requires rooms and room admin: refused on a transport without them, naming both plugin and transport', () => {
    expect(groupAdmin.requires(undefined as never)).toEqual(['rooms', 'roomAdmin']);
    const refuse = () => officialBotHost().check([{ plugin: groupAdmin, options: {} }]);
    expect(refuse).toThrow(CapabilityMissing);
    expect(refuse).toThrow(
      /^plugin "@wxbot\/plugin-group-admin" needs the "rooms" capability, which the "ilink" transport/,
    );
  });
});
