// The transport seam: the interface the runtime and plugin host talk to, and the Web WeChat adapter.
export type * from './types.js';
export {
  ACTION_CAPABILITY,
  CAPABILITY_NAMES,
  CapabilityMissing,
  guardActions,
  hasCapability,
  isCapabilityName,
} from './capabilities.js';
export type { CapabilityMissingInfo, GuardedSource } from './capabilities.js';
export { WEB_CAPABILITIES, WebTransport, webTransport } from './web.js';
export { UNDECLARED_LIMITS, WEB_LIMITS, limitsOf, textMention } from './limits.js';
export type { TextMention } from './limits.js';
