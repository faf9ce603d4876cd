export type * from './types.js';
export { DIRECT_ADD_MAX_MEMBERS } from './constants.js';
