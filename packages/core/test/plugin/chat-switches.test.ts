import { ChatSwitches, OWNER_COMMANDS_PLUGIN, SwitchRefused } from '../../src/plugin/chat-switches.js';
import { createMemoryStorage } from '../../src/storage/memory.js';

describe('ChatSwitches', () => {
  test('a plugin switched off in a chat is skipped there by UserName or stable id, and the switch is saved', async () => {
    const store = createMemoryStorage().namespace('@wxbot/chat-switches');
    const switches = new ChatSwitches(store);
    switches.attach({
      contact: (u) => (u === '@alice' ? ({ stableId: 'wxid_alice' } as never) : undefined),
    });
    expect(switches.skips('echo', '@alice')).toBe(false);
    await switches.set('echo', 'wxid_alice', false);
    expect(switches.skips('echo', '@alice')).toBe(true);
    expect(switches.skips('echo', '@bob')).toBe(false);
    expect(switches.skips('other', '@alice')).toBe(false);
    expect(switches.isOn('echo', 'wxid_alice')).toBe(false);
    expect(await store.get('off')).toEqual([{ plugin: 'echo', chat: 'wxid_alice' }]);

    // A new process reads it back.
    const again = new ChatSwitches(store);
    await again.load();
    expect(again.list()).toEqual([{ plugin: 'echo', chat: 'wxid_alice' }]);

    await switches.set('echo', 'wxid_alice', true);
    expect(switches.skips('echo', '@alice')).toBe(false);
    expect(await store.get('off')).toEqual([]);
  });

  test('the owner commands cannot be switched off in a chat (the owner would be locked out of it)', async () => {
    const store = createMemoryStorage().namespace('@wxbot/chat-switches');
    const switches = new ChatSwitches(store);
    await expect(switches.set(OWNER_COMMANDS_PLUGIN, 'wxid_alice', false)).rejects.toThrow(SwitchRefused);
    await expect(switches.set(OWNER_COMMANDS_PLUGIN, 'wxid_alice', false)).rejects.toThrow(/ownerCommands: false/);
    expect(switches.list()).toEqual([]);
    expect(await store.get('off')).toBeUndefined();
    // Switching it on is a no-op, not an error.
    await switches.set(OWNER_COMMANDS_PLUGIN, 'wxid_alice', true);
    expect(switches.isOn(OWNER_COMMANDS_PLUGIN, 'wxid_alice')).toBe(true);
  });
});
