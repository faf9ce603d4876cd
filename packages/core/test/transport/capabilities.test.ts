import {
  ACTION_CAPABILITY,
  CAPABILITY_NAMES,
  CapabilityMissing,
  guardActions,
  hasCapability,
  isCapabilityName,
} from '../../src/transport/capabilities.js';
import type { TransportActions } from '../../src/transport/types.js';
import { WEB_CAPABILITIES } from '../../src/transport/web.js';
import { DIRECT_ONLY } from './helpers.js';

describe('capabilities', () => {
  test('hasCapability reads flags, media kinds and the recall window', () => {
    expect(CAPABILITY_NAMES.filter((c) => !hasCapability(WEB_CAPABILITIES, c))).toEqual(['media.voice']);
    expect(CAPABILITY_NAMES.filter((c) => hasCapability(DIRECT_ONLY, c))).toEqual([
      'directChats',
      'media.image',
      'media.file',
    ]);
    expect(hasCapability({ ...DIRECT_ONLY, recall: { windowMs: 1 } }, 'recall')).toBe(true);
  });

  test('a flag a transport does not set (one written before the flag existed) is absent', () => {
    const { pin: _pin, recall: _recall, ...older } = DIRECT_ONLY;
    const written = { ...older, media: { image: true } } as unknown as typeof DIRECT_ONLY;
    expect([hasCapability(written, 'pin'), hasCapability(written, 'recall')]).toEqual([false, false]);
    expect([hasCapability(written, 'media.image'), hasCapability(written, 'media.video')]).toEqual([true, false]);
  });

  test('isCapabilityName accepts exactly the listed names', () => {
    expect(CAPABILITY_NAMES.every(isCapabilityName)).toBe(true);
    expect(['room', 'media', 'media.gif', 'replyWindowMs', 3, undefined].some(isCapabilityName)).toBe(false);
  });

  test('every optional action maps to a capability that exists', () => {
    expect(Object.values(ACTION_CAPABILITY).every(isCapabilityName)).toBe(true);
  });
});

describe('guardActions', () => {
  const source = (extra: Partial<TransportActions> = {}) => ({
    name: 'memory',
    capabilities: DIRECT_ONLY,
    self: 'me',
    sendText(this: { self: string }, to: string) {
      // `this` must be the transport: class-based transports read their own fields.
      return Promise.resolve({ msgId: this.self, localId: '1', toUserName: to, type: 1, endpoint: 'x' });
    },
    ...extra,
  });

  test('present actions are called on the transport; absent ones reject with CapabilityMissing', async () => {
    const guarded = guardActions(source());
    await expect(guarded.sendText('@a', 'hi')).resolves.toMatchObject({ msgId: 'me', toUserName: '@a' });
    const error = await guarded.pin('@a', true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CapabilityMissing);
    expect(error).toMatchObject({ capability: 'pin', transport: 'memory', action: 'pin', plugin: undefined });
    expect(Object.keys(guarded).sort()).toEqual(['sendText', ...Object.keys(ACTION_CAPABILITY)].sort());
  });

  test('a method the capabilities deny is not called', async () => {
    let called = 0;
    const guarded = guardActions(
      source({
        sendVideo: () => {
          called++;
          return Promise.reject(new Error('unreachable'));
        },
      }),
    );
    await expect(guarded.sendVideo('@a', Buffer.alloc(1))).rejects.toMatchObject({ capability: 'media.video' });
    expect(called).toBe(0);
  });
});
