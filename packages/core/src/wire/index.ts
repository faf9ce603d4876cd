export { parseJsAssignments, parseJsLogin, JsBodyError } from './js-body.js';
export type { JsValue, JsLoginResult } from './js-body.js';
export type * from './types.js';
export { DIRECT_ADD_MAX_MEMBERS } from './constants.js';
