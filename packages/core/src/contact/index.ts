export type * from './types.js';
export { classifyContact, isRoomUserName, SPECIAL_USER_NAMES } from './classify.js';
export {
  confidenceLevel,
  isWeakStableId,
  stableIdStrength,
  strongStableId,
  weakStableIdProblem,
  WEAK_STABLE_ID_PREFIX,
  type HasStableId,
  type StableIdStrength,
} from './stable-id.js';
export { IdentityLedger, avatarFingerprint, DEFAULT_LEDGER_LIMIT } from './ledger.js';
export type { Candidate, LedgerDoc, LedgerEntry, LedgerMatch } from './ledger.js';
