export type * from './types.js';
export { classifyContact, isRoomUserName, SPECIAL_USER_NAMES } from './classify.js';
