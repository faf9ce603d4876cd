export { parseJsAssignments, parseJsLogin, JsBodyError } from './js-body.js';
export type { JsValue, JsLoginResult } from './js-body.js';
export type * from './wire.js';
