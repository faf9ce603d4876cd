/* eslint-disable @typescript-eslint/no-meaningless-void-operator -- type tests reference values only to check their types */
// Type-level tests for permission manifests and their narrowing in config entries: `pnpm test`
// runs tsc first, so every `@ts-expect-error` here must stay an error and every other line must compile.
import { z } from 'zod';

import { defineConfig } from '../../src/config/index.js';
import {
  definePlugin,
  type PermissionAction,
  type PermissionNarrowing,
  type PermissionPattern,
} from '../../src/plugin/index.js';

// Actions are named as they are called on the context; groups end in `.*`.
const kick: PermissionAction = 'rooms.remove';
const group: PermissionPattern = 'rooms.*';
const all: PermissionPattern = '*';
// @ts-expect-error the logged action kind is not a permission name
const logged: PermissionAction = 'removeMembers';
// @ts-expect-error there is no such group
const noGroup: PermissionPattern = 'friends.*';
void [kick, group, all, logged, noGroup];

const moderator = definePlugin({
  name: 'moderator',
  permissions: { actions: ['send', 'rooms.remove'], chats: 'rooms' },
  setup() {},
});
// @ts-expect-error a misspelt action does not compile
definePlugin({ name: 'typo', permissions: { actions: ['sned'] }, setup() {} });
// @ts-expect-error chats is one of any | rooms | direct | none
definePlugin({ name: 'scope', permissions: { actions: ['send'], chats: 'groups' }, setup() {} });
// @ts-expect-error actions is required in a manifest
definePlugin({ name: 'empty', permissions: { chats: 'rooms' }, setup() {} });

const withOptions = definePlugin({
  name: 'with-options-perm',
  options: z.object({ n: z.number() }),
  permissions: { actions: ['send'] },
  setup() {},
});

// A config entry narrows with a third element.
defineConfig({
  plugins: [
    [moderator, undefined, { permissions: { rooms: ['Family'], actions: ['send'] } }],
    [withOptions, { n: 1 }, { permissions: { chats: 'direct' } }],
    ['./plugins/local.ts', {}, { permissions: { actions: ['messages.*'] } }],
  ],
});
// The options are still checked in a three-element entry.
// @ts-expect-error n must be a number
defineConfig({ plugins: [[withOptions, { n: 'one' }, { permissions: {} }]] });
const badAction: PermissionNarrowing = {
  // @ts-expect-error a misspelt action in the narrowing does not compile
  actions: ['rooms.kick'],
};
// @ts-expect-error the third element holds entry settings only
const badKey: PermissionNarrowing = { rooms: ['Family'], everything: true };
// @ts-expect-error rooms is a list of names
const badRooms: PermissionNarrowing = { rooms: 'Family' };
void [badAction, badKey, badRooms];
