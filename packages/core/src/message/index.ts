export type * from './types.js';
export { MESSAGE_KINDS, isMessageKind, isChatMessage } from './kinds.js';
