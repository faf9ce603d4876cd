/* eslint-disable @typescript-eslint/no-meaningless-void-operator, @typescript-eslint/no-unnecessary-type-parameters -- type tests reference values only to check their types */
// Type-level tests for `requires` and capabilities: `pnpm test` runs tsc first, so every
// `@ts-expect-error` here must stay an error and every other line must compile.
import { z } from 'zod';

import { definePlugin } from '../../src/plugin/index.js';
import type { CapabilityName, Transport, TransportActions, TransportCapabilities } from '../../src/transport/index.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value?: T): T | undefined => value;

// Flags, media kinds and recall are names; the media object and the reply window are not.
assertType<
  Equals<
    Extract<CapabilityName, `media.${string}`>,
    'media.image' | 'media.voice' | 'media.video' | 'media.file' | 'media.emoticon'
  >
>();
const recall: CapabilityName = 'recall';
// @ts-expect-error 'media' alone is a group, not a capability
const media: CapabilityName = 'media';
// @ts-expect-error the reply window is a limit, not a capability
const window: CapabilityName = 'replyWindowMs';
void [recall, media, window];

definePlugin({ name: 'static', requires: ['rooms', 'roomAdmin', 'media.image'], setup() {} });
// @ts-expect-error a misspelt capability does not compile
definePlugin({ name: 'typo', requires: ['room'], setup() {} });
// @ts-expect-error requires is a list, not one name
definePlugin({ name: 'single', requires: 'rooms', setup() {} });

// A function of the options sees them typed (the schema's output, defaults applied).
definePlugin({
  name: 'by-options',
  options: z.object({ chats: z.enum(['all', 'private', 'rooms']).default('all') }),
  requires: (options) => {
    assertType<Equals<typeof options.chats, 'all' | 'private' | 'rooms'>>();
    return options.chats === 'rooms' ? ['rooms'] : [];
  },
  setup() {},
});
definePlugin({
  name: 'by-options-typo',
  options: z.object({ n: z.number() }),
  // @ts-expect-error the function must return capability names
  requires: () => ['teleport'],
  setup() {},
});

// ctx.capabilities is the transport's record; only sendText is a required action.
definePlugin({
  name: 'adapts',
  setup(ctx) {
    assertType<Equals<typeof ctx.capabilities, TransportCapabilities>>();
    const windowMs: number | false = ctx.capabilities.recall === false ? false : ctx.capabilities.recall.windowMs;
    void windowMs;
  },
});
assertType<
  Equals<
    Exclude<
      keyof TransportActions,
      keyof { [K in keyof TransportActions as undefined extends TransportActions[K] ? K : never]: 1 }
    >,
    'sendText'
  >
>();
declare const transport: Transport;
void transport.sendText('@a', 'hi');
// @ts-expect-error an optional action may be absent: it must be checked (or the capability read) first
void transport.addMembers('@@room', ['@a']);
