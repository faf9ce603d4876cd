import { ChatSwitches } from '../../src/plugin/chat-switches.js';
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
});
