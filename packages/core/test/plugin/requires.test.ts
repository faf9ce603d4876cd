import { z } from 'zod';

import { definePlugin, type Plugin } from '../../src/plugin/define.js';
import { PluginHost } from '../../src/plugin/host.js';
import { ActionLog } from '../../src/plugin/actions.js';
import { checkRequirements } from '../../src/plugin/requires.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { CapabilityMissing } from '../../src/transport/capabilities.js';
import { WEB_CAPABILITIES } from '../../src/transport/web.js';
import { DIRECT_ONLY, memoryTransport } from '../transport/helpers.js';
import { memoryLogger } from './helpers.js';

const ilinkLike = { name: 'ilink', capabilities: DIRECT_ONLY };

describe('definePlugin requires', () => {
  test('a static list is kept and checked where it is written, with a did-you-mean', () => {
    const p = definePlugin({ name: 'p', requires: ['rooms', 'media.image'], setup() {} });
    expect(p.requires(undefined)).toEqual(['rooms', 'media.image']);
    expect(definePlugin({ name: 'q', setup() {} }).requires(undefined)).toEqual([]);
    expect(() => definePlugin({ name: 'p', requires: ['room' as 'rooms'], setup() {} })).toThrow(
      'definePlugin("p"): requires lists "room", which is not a capability; did you mean "rooms"?',
    );
    expect(() => definePlugin({ name: 'p', requires: 'rooms' as never, setup() {} })).toThrow(
      'definePlugin("p"): requires must be an array of capability names or a function',
    );
  });

  test('a function of the options decides per configuration', () => {
    const p = definePlugin({
      name: 'scoped',
      options: z.object({ chats: z.enum(['all', 'rooms']) }),
      requires: ({ chats }) => (chats === 'rooms' ? ['rooms'] : []),
      setup() {},
    });
    expect(() => checkRequirements([{ plugin: p, options: { chats: 'all' } }], ilinkLike)).not.toThrow();
    expect(() => checkRequirements([{ plugin: p, options: { chats: 'rooms' } }], ilinkLike)).toThrow(CapabilityMissing);
  });
});

describe('checkRequirements', () => {
  test('names the first plugin in order that the transport cannot run', () => {
    const ok = definePlugin({ name: 'ok', requires: ['directChats'], setup() {} });
    const friends = definePlugin({ name: 'friends', requires: ['friendRequests'], setup() {} });
    const rooms = definePlugin({ name: 'rooms', requires: ['rooms'], setup() {} });
    const plugins = [ok, friends, rooms].map((plugin) => ({ plugin, options: undefined }));
    expect(() => checkRequirements(plugins, { name: 'web', capabilities: WEB_CAPABILITIES })).not.toThrow();
    const error = (() => {
      try {
        checkRequirements(plugins, ilinkLike);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ name: 'CapabilityMissing', plugin: 'friends', capability: 'friendRequests' });
    expect((error as Error).message).toContain('plugin "friends" needs the "friendRequests" capability');
    expect((error as Error).message).toContain('"ilink" transport does not offer');
  });

  test('a requires() function returning a non-capability is named; a plugin from an older core requires nothing', () => {
    const bad = definePlugin({ name: 'bad', requires: () => ['teleport' as 'rooms'], setup() {} });
    expect(() => checkRequirements([{ plugin: bad, options: undefined }], ilinkLike)).toThrow(
      'plugin "bad" requires "teleport", which is not a capability; see CAPABILITY_NAMES',
    );
    const old = { name: 'old' } as unknown as Plugin<unknown, unknown>;
    expect(() => checkRequirements([{ plugin: old, options: undefined }], ilinkLike)).not.toThrow();
  });

  test('the host refuses at start before any setup runs', async () => {
    const { logger } = memoryLogger();
    const host = new PluginHost({
      logger,
      storage: createMemoryStorage(),
      transport: memoryTransport(),
      log: new ActionLog(),
    });
    const setups: string[] = [];
    const first = definePlugin({ name: 'first', setup: () => void setups.push('first') });
    const admin = definePlugin({ name: 'admin', requires: ['roomAdmin'], setup: () => void setups.push('admin') });
    await expect(
      host.start([
        { plugin: first, options: undefined },
        { plugin: admin, options: undefined },
      ]),
    ).rejects.toMatchObject({ plugin: 'admin', capability: 'roomAdmin', transport: 'memory' });
    expect(setups).toEqual([]);
    await host.stop();
  });
});
