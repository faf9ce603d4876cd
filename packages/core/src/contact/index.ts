export type * from './types.js';
export { classifyContact, isRoomUserName, SPECIAL_USER_NAMES } from './classify.js';
export {
  isWeakStableId,
  stableIdStrength,
  strongStableId,
  weakStableIdProblem,
  WEAK_STABLE_ID_PREFIX,
  type HasStableId,
  type StableIdStrength,
} from './stable-id.js';
