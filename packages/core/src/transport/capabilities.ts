import type { SendCallOptions } from '../client/types.js';
import type { CapabilityName, TransportActionName, TransportActions, TransportCapabilities } from './types.js';

/** Every capability name, for validating `requires` lists and for messages listing what exists. */
export const CAPABILITY_NAMES = [
  'directChats',
  'rooms',
  'friendRequests',
  'addFriends',
  'roomAdmin',
  'media.image',
  'media.voice',
  'media.video',
  'media.file',
  'media.emoticon',
  'recall',
  'download',
  'forward',
  'markRead',
  'pin',
  'remark',
  'contacts',
  'avatars',
] as const satisfies readonly CapabilityName[];

type MissingName = Exclude<CapabilityName, (typeof CAPABILITY_NAMES)[number]>;
/** Fails to compile when a capability is added to the type but not to the list above. */
export const CAPABILITY_NAMES_EXHAUSTIVE: [MissingName] extends [never] ? true : never = true;

/** True for the names in {@link CAPABILITY_NAMES} (config and plugin input is checked at run time too). */
export function isCapabilityName(value: unknown): value is CapabilityName {
  return typeof value === 'string' && (CAPABILITY_NAMES as readonly string[]).includes(value);
}

/**
 * Whether `capabilities` offers `name`. A flag a transport does not set counts as absent: flags added
 * later are optional, so transports written before them keep compiling and are read as lacking them.
 */
export function hasCapability(capabilities: TransportCapabilities, name: CapabilityName): boolean {
  if (name === 'recall') return capabilities.recall !== false && capabilities.recall !== undefined;
  if (name.startsWith('media.')) {
    // Read as `unknown`: a transport written before a flag existed has none, and that means "no".
    return (
      (capabilities.media[name.slice('media.'.length) as keyof TransportCapabilities['media']] as unknown) === true
    );
  }
  return (capabilities[name as Exclude<CapabilityName, 'recall' | `media.${string}`>] as unknown) === true;
}

/** The capability each optional action needs (`sendText` needs nothing beyond a chat to answer in). */
export const ACTION_CAPABILITY: { readonly [A in Exclude<TransportActionName, 'sendText'>]-?: CapabilityName } = {
  sendImage: 'media.image',
  sendVideo: 'media.video',
  sendFile: 'media.file',
  sendVoice: 'media.voice',
  sendEmoticon: 'media.emoticon',
  revoke: 'recall',
  forward: 'forward',
  download: 'download',
  avatar: 'avatars',
  acceptFriend: 'friendRequests',
  addFriend: 'addFriends',
  createRoom: 'roomAdmin',
  addMembers: 'roomAdmin',
  removeMembers: 'roomAdmin',
  inviteMembers: 'roomAdmin',
  setTopic: 'roomAdmin',
  setRemark: 'remark',
  pin: 'pin',
  markRead: 'markRead',
};

/** What a `CapabilityMissing` error is about. */
export interface CapabilityMissingInfo {
  /** The capability the transport lacks. */
  readonly capability: CapabilityName;
  /** The transport's name (`'web'`, `'ilink'`, ...). */
  readonly transport: string;
  /** The plugin that needs it (refused at load) or called the action, when known. */
  readonly plugin?: string | undefined;
  /** The action that was called, when the error comes from a call rather than from loading. */
  readonly action?: string | undefined;
}

/**
 * A plugin needs something the account's transport cannot do: thrown when the bot starts (the plugin
 * `requires` it) and as the rejection of an action the transport lacks. Typed so callers can tell it
 * from a server refusal: it is a configuration mismatch, never a transient failure.
 */
export class CapabilityMissing extends Error {
  override name = 'CapabilityMissing';
  readonly capability: CapabilityName;
  readonly transport: string;
  readonly plugin: string | undefined;
  readonly action: string | undefined;

  constructor(info: CapabilityMissingInfo) {
    const who = info.plugin === undefined ? '' : `plugin "${info.plugin}" `;
    const what =
      info.action === undefined
        ? `${who}needs the "${info.capability}" capability`
        : `${who}called ${info.action}(), which needs the "${info.capability}" capability`;
    const fix =
      info.action === undefined
        ? `run it on an account whose transport offers it (transport: 'web'), or remove the plugin from this account's plugins`
        : `check ctx.capabilities before calling it, or run the plugin on an account with transport: 'web'`;
    super(`${what}, which the "${info.transport}" transport does not offer: ${fix}`);
    this.capability = info.capability;
    this.transport = info.transport;
    this.plugin = info.plugin;
    this.action = info.action;
  }
}

/** The transport members the action guard reads. */
export type GuardedSource = TransportActions & { readonly name: string; readonly capabilities: TransportCapabilities };

/**
 * Every action present: the transport's own where it has the method and the capability, else one that
 * rejects with {@link CapabilityMissing}. Built once per plugin host, so the plugin layer calls actions
 * without checking for `undefined` and a plugin calling what its transport lacks gets a typed error.
 */
export function guardActions(source: GuardedSource): Required<TransportActions> {
  // Looked up at call time, like the others: a transport (or a test's fake) may replace a method later.
  const guarded: Record<string, unknown> = {
    sendText: (to: string, text: string, opts?: SendCallOptions) => source.sendText(to, text, opts),
  };
  for (const [action, capability] of Object.entries(ACTION_CAPABILITY) as [TransportActionName, CapabilityName][]) {
    const present = typeof source[action] === 'function' && hasCapability(source.capabilities, capability);
    // Called as a member, so `this` is the transport (class-based transports rely on it).
    guarded[action] = present
      ? (...args: unknown[]) => (source[action] as (...a: unknown[]) => Promise<unknown>)(...args)
      : () => Promise.reject(new CapabilityMissing({ capability, transport: source.name, action }));
  }
  return guarded as unknown as Required<TransportActions>;
}
