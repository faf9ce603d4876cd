export { verifyTextAllowed } from './verify.js';
export type { VerifyRule } from './verify.js';
