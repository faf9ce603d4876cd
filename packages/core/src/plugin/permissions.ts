/**
 * Plugin permission manifests. A plugin declares, in `definePlugin`, the actions it uses and the
 * chats it may touch; the config may narrow that per plugin entry, never widen it; the host checks
 * every action against the result before anything reaches the server (see actions.ts `permitted`).
 */

import type { Room } from '../contact/types.js';
import { closest } from './suggest.js';
import type { ActionKind } from './types.js';

/** Every action a plugin can be allowed, named as it is called on the plugin context. */
export const PERMISSION_ACTIONS = [
  'send',
  'acceptFriend',
  'rooms.add',
  'rooms.remove',
  'rooms.invite',
  'rooms.setTopic',
  'rooms.create',
  'contacts.setRemark',
  'contacts.addFriend',
  'contacts.avatar',
  'chats.pin',
  'chats.unpin',
  'chats.markRead',
  'messages.download',
  'messages.revoke',
  'messages.forward',
] as const;

/** One action a plugin can be allowed (`'send'`, `'rooms.remove'`, ...). */
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];
export type PermissionGroup = PermissionAction extends infer A ? (A extends `${infer G}.${string}` ? G : never) : never;
/** An action or a whole group of them (`'rooms.*'`, or `'*'` for every action). */
export type PermissionPattern = PermissionAction | `${PermissionGroup}.*` | '*';

/**
 * Which chats a plugin may act on: `'any'`, only `'rooms'` (group chats), only `'direct'` chats with
 * one person (friend requests and friend-adding count as direct), or `'none'` (read-only plugins).
 */
export type ChatScope = 'any' | 'rooms' | 'direct' | 'none';
const SCOPES: readonly ChatScope[] = ['any', 'rooms', 'direct', 'none'];

/** What a plugin declares in `definePlugin({ permissions })`. */
export interface PermissionManifest {
  /** The actions the plugin uses; anything else is refused with {@link PermissionDenied}. */
  readonly actions: readonly PermissionPattern[];
  /** The chats it may act on. Default `'any'`. */
  readonly chats?: ChatScope;
}

/**
 * What a plugin entry in `bot.config.ts` may add (`[plugin, options, { permissions }]`): a narrower
 * set than the manifest. Listing an action or chat scope the manifest lacks is refused at config check.
 */
export interface PermissionNarrowing {
  /** Only these of the manifest's actions. */
  readonly actions?: readonly PermissionPattern[];
  /** Only these chats (within the manifest's). */
  readonly chats?: ChatScope;
  /** Only these rooms, by topic, stable id or session UserName; acting on any other room is refused. */
  readonly rooms?: readonly string[];
}

/** The third element of a plugin entry: settings of that entry that are not the plugin's options. */
export interface PluginEntrySettings {
  readonly permissions?: PermissionNarrowing;
}

const ACTION_OF: Record<ActionKind, PermissionAction> = {
  send: 'send',
  acceptFriend: 'acceptFriend',
  addMembers: 'rooms.add',
  removeMembers: 'rooms.remove',
  inviteMembers: 'rooms.invite',
  setTopic: 'rooms.setTopic',
  createRoom: 'rooms.create',
  setRemark: 'contacts.setRemark',
  addFriend: 'contacts.addFriend',
  avatar: 'contacts.avatar',
  pin: 'chats.pin',
  unpin: 'chats.unpin',
  markRead: 'chats.markRead',
  download: 'messages.download',
  revoke: 'messages.revoke',
  forward: 'messages.forward',
};

/** The permission name of a logged action kind. */
export function permissionOf(kind: ActionKind): PermissionAction {
  return ACTION_OF[kind];
}

function matches(pattern: string, action: PermissionAction): boolean {
  if (pattern === '*' || pattern === action) return true;
  return pattern.endsWith('.*') && action.startsWith(pattern.slice(0, -1));
}

/** The actions a list of patterns allows. */
function expand(patterns: readonly string[]): Set<PermissionAction> {
  return new Set(PERMISSION_ACTIONS.filter((a) => patterns.some((p) => matches(p, a))));
}

function isPattern(value: unknown): value is PermissionPattern {
  return typeof value === 'string' && PERMISSION_ACTIONS.some((a) => matches(value, a)) && validShape(value);
}
function validShape(value: string): boolean {
  return value === '*' || value.endsWith('.*') || (PERMISSION_ACTIONS as readonly string[]).includes(value);
}

function patternProblem(value: unknown): string {
  const hint = typeof value === 'string' ? closest(value, PERMISSION_ACTIONS) : undefined;
  return (
    `${JSON.stringify(value)}, which is not an action` +
    (hint === undefined
      ? `; known: ${PERMISSION_ACTIONS.join(', ')} (or a group such as "rooms.*")`
      : `; did you mean "${hint}"?`)
  );
}

/** Checks a manifest where it is written (definePlugin); returns a frozen copy. */
export function checkManifest(plugin: string, value: unknown): PermissionManifest | undefined {
  if (value === undefined) return undefined;
  const where = `definePlugin("${plugin}"): permissions`;
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { actions?: unknown }).actions)) {
    throw new TypeError(`${where} must be { actions: [...], chats?: 'any' | 'rooms' | 'direct' | 'none' }`);
  }
  const { actions, chats } = value as { actions: unknown[]; chats?: unknown };
  for (const a of actions) if (!isPattern(a)) throw new TypeError(`${where}.actions lists ${patternProblem(a)}`);
  if (chats !== undefined && !SCOPES.includes(chats as ChatScope)) {
    throw new TypeError(`${where}.chats is ${JSON.stringify(chats)}; expected one of ${SCOPES.join(', ')}`);
  }
  return Object.freeze({
    actions: Object.freeze([...(actions as PermissionPattern[])]),
    chats: (chats as ChatScope | undefined) ?? 'any',
  });
}

/** Whether scope `inner` is within `outer`. */
function within(inner: ChatScope, outer: ChatScope): boolean {
  return inner === outer || outer === 'any' || inner === 'none';
}

/**
 * The problems of a config narrowing, checked against the manifest (empty when fine). Each message
 * names what widens and how to fix it; `where` is the entry's config path.
 */
export function narrowingProblems(
  plugin: string,
  manifest: PermissionManifest | undefined,
  value: unknown,
): { path: string; message: string }[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: 'permissions', message: 'must be { actions?, chats?, rooms? }' }];
  }
  const problems: { path: string; message: string }[] = [];
  const { actions, chats, rooms, ...rest } = value as Record<string, unknown>;
  for (const key of Object.keys(rest)) {
    problems.push({ path: `permissions.${key}`, message: `unknown key; expected actions, chats or rooms` });
  }
  const declared = manifest === undefined ? undefined : expand(manifest.actions);
  if (actions !== undefined) {
    if (!Array.isArray(actions)) problems.push({ path: 'permissions.actions', message: 'must be a list of actions' });
    else
      actions.forEach((a: unknown, i) => {
        if (!isPattern(a)) problems.push({ path: `permissions.actions[${i}]`, message: patternProblem(a) });
        else if (declared !== undefined) {
          const wider = [...expand([a])].filter((x) => !declared.has(x));
          if (wider.length > 0) {
            problems.push({
              path: `permissions.actions[${i}]`,
              message: `"${a}" widens plugin "${plugin}": its manifest does not declare ${wider.join(', ')}; the config can only narrow a plugin's permissions (declared: ${manifest!.actions.join(', ') || 'none'})`,
            });
          }
        }
      });
  }
  const outer = manifest?.chats ?? 'any';
  if (chats !== undefined) {
    if (!SCOPES.includes(chats as ChatScope)) {
      problems.push({ path: 'permissions.chats', message: `expected one of ${SCOPES.join(', ')}` });
    } else if (!within(chats as ChatScope, outer)) {
      problems.push({
        path: 'permissions.chats',
        message: `"${chats as ChatScope}" widens plugin "${plugin}", whose manifest allows chats: "${outer}"; the config can only narrow it`,
      });
    }
  }
  if (rooms !== undefined) {
    if (!Array.isArray(rooms) || rooms.some((r) => typeof r !== 'string' || r.length === 0)) {
      problems.push({ path: 'permissions.rooms', message: 'must be a list of room topics, stable ids or UserNames' });
    } else if (!within('rooms', (chats as ChatScope | undefined) ?? outer)) {
      const scope = (chats as ChatScope | undefined) ?? outer;
      problems.push({
        path: 'permissions.rooms',
        message: `plugin "${plugin}" may not act in rooms at all (chats: "${scope}"), so a rooms list would widen it`,
      });
    }
  }
  return problems;
}

/** Why an action was refused. */
export interface PermissionDeniedInfo {
  readonly plugin: string;
  readonly action: PermissionAction;
  /** Session UserName acted on ('' for a room being created). */
  readonly target: string;
  readonly targetName: string | undefined;
  /** What refused it: the plugin's own manifest, or the config entry narrowing it. */
  readonly by: 'manifest' | 'config';
  readonly reason: string;
  readonly fix: string;
}

/** An action outside the plugin's permissions; nothing was sent to the server. */
export class PermissionDenied extends Error {
  override name = 'PermissionDenied';
  readonly plugin: string;
  readonly action: PermissionAction;
  readonly target: string;
  readonly targetName: string | undefined;
  readonly by: 'manifest' | 'config';

  constructor(info: PermissionDeniedInfo) {
    const on = info.target === '' ? '' : ` on ${info.targetName === undefined ? info.target : `"${info.targetName}"`}`;
    super(`plugin "${info.plugin}" may not ${info.action}${on}: ${info.reason}; ${info.fix}`);
    this.plugin = info.plugin;
    this.action = info.action;
    this.target = info.target;
    this.targetName = info.targetName;
    this.by = info.by;
  }
}

/** What the policy reads of the contact directory to tell rooms apart and match them by name. */
export interface RoomLookup {
  room(userName: string): Room | undefined;
}

/** A checked action: throws {@link PermissionDenied} when it is not allowed. */
export type Permit = (kind: ActionKind, target: string, targetName: string | undefined) => void;

/**
 * The check the host runs before every action of `plugin`. Without a manifest and without a config
 * narrowing, every action is allowed (undefined: nothing to check).
 */
export function createPermit(
  plugin: string,
  manifest: PermissionManifest | undefined,
  narrowing: PermissionNarrowing | undefined,
  directory: () => RoomLookup,
): Permit | undefined {
  if (manifest === undefined && narrowing === undefined) return undefined;
  const declared = manifest === undefined ? undefined : expand(manifest.actions);
  const narrowed = narrowing?.actions === undefined ? undefined : expand(narrowing.actions);
  const declaredChats = manifest?.chats ?? 'any';
  const chats = narrowing?.chats ?? declaredChats;
  const rooms = narrowing?.rooms === undefined ? undefined : new Set(narrowing.rooms);
  const entryForm = `['${plugin}', options, { permissions: { rooms: [...] } }]`;
  return (kind, target, targetName) => {
    const action = permissionOf(kind);
    const deny = (by: 'manifest' | 'config', reason: string, fix: string): never => {
      throw new PermissionDenied({ plugin, action, target, targetName, by, reason, fix });
    };
    if (declared !== undefined && !declared.has(action)) {
      deny(
        'manifest',
        `its manifest does not declare "${action}" (declared: ${manifest!.actions.join(', ') || 'none'})`,
        `the plugin's author must add it to definePlugin({ permissions: { actions } }); the config cannot widen a manifest`,
      );
    }
    if (narrowed !== undefined && !narrowed.has(action)) {
      deny(
        'config',
        `its config entry allows only ${narrowing!.actions!.join(', ') || 'no actions'}`,
        `add "${action}" to permissions.actions in its entry in bot.config.ts`,
      );
    }
    // A room being created (no target yet) is a room chat too.
    const isRoom = target === '' || target.startsWith('@@') || target.endsWith('@chatroom');
    const scopeOk = chats === 'any' || (chats === 'rooms' ? isRoom : chats === 'direct' ? !isRoom : false);
    if (!scopeOk) {
      const by = chats === declaredChats ? 'manifest' : 'config';
      deny(
        by,
        `it may act only on chats: "${chats}", and this is ${isRoom ? 'a room' : 'a direct chat'}`,
        by === 'manifest'
          ? `the plugin's manifest (definePlugin({ permissions: { chats } })) decides this`
          : `change permissions.chats in its entry in bot.config.ts`,
      );
    }
    if (rooms !== undefined && isRoom) {
      const room = target === '' ? undefined : directory().room(target);
      const names = [target, room?.topic, room?.stableId, targetName].filter((n): n is string => !!n);
      if (!names.some((n) => rooms.has(n))) {
        deny(
          'config',
          target === ''
            ? `its config entry lists the rooms it may touch (${[...rooms].join(', ')}), so it may not create new ones`
            : `its config entry allows only the rooms ${[...rooms].map((r) => `"${r}"`).join(', ')}`,
          `add the room's topic or stable id to permissions.rooms in its entry in bot.config.ts (${entryForm})`,
        );
      }
    }
  };
}

/**
 * Refuses, before login, a plugin whose config narrowing widens its manifest (the config check
 * reports it first; this covers plugins handed to the host directly, as the testing kit does).
 */
export function checkPermissions(
  plugins: readonly {
    readonly plugin: { readonly name: string; readonly permissions?: PermissionManifest | undefined };
    readonly permissions?: PermissionNarrowing | undefined;
  }[],
): void {
  for (const { plugin, permissions } of plugins) {
    const problems = narrowingProblems(plugin.name, plugin.permissions, permissions);
    if (problems.length > 0) {
      throw new TypeError(`plugin "${plugin.name}": ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    }
  }
}

/** Plugins already warned about (once per process: several accounts run the same plugins). */
const warned = new Set<string>();

/**
 * Logs, once per plugin name, that a plugin installed from a package declares no manifest and so may
 * do everything (the host calls it for package plugins only: local plugins are the user's own code).
 */
export function warnUnmanifested(
  plugin: { readonly name: string; readonly permissions?: PermissionManifest | undefined },
  narrowed: boolean,
  warn: (message: string) => void,
): void {
  if (plugin.permissions !== undefined || narrowed || warned.has(plugin.name)) return;
  warned.add(plugin.name);
  warn(
    `plugin "${plugin.name}" declares no permissions, so it may use every action on every chat; ` +
      `limit it in bot.config.ts with ['${plugin.name}', options, { permissions: { actions: [...], rooms: [...] } }]`,
  );
}
