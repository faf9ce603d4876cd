export { parseJsAssignments, parseJsLogin, JsBodyError } from './protocol/js-body.js';
export type { JsValue, JsLoginResult } from './protocol/js-body.js';
