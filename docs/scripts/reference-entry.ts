// The types docs/scripts/config-reference.ts documents. Read by the TypeScript checker only.
import type { AccountEntry, BotConfig } from '@wxbot/core';
import type { AutoreplyOptions } from '@wxbot/plugin-autoreply';
import type { FriendAcceptOptions } from '@wxbot/plugin-friend-accept';
import type { GroupAdminOptions } from '@wxbot/plugin-group-admin';

export type BotOptionsForReference = BotConfig;
export type AccountEntryForReference = AccountEntry;
export type AutoreplyOptionsForReference = Exclude<AutoreplyOptions, undefined>;
export type FriendAcceptOptionsForReference = Exclude<FriendAcceptOptions, undefined>;
export type GroupAdminOptionsForReference = Exclude<GroupAdminOptions, undefined>;
