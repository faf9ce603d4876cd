// `@wxbot/core/client`: the Web WeChat client for programs that drive it directly (the bench, the
// console's demo, the server's account hub), and the durable journals sibling packages reuse.
// Plugin and config authors never need it: `@wxbot/core` has every name they use (./public.ts).
export * from './public.js';
export { createClient, WebWxClient } from './client.js';
export type { ClientInternals } from './client.js';
// Durable journals and atomic state files, for sibling packages (webhook deliveries) that keep the same promise.
export { Journal, BoundedSet } from './journal.js';
export type { JournalModel, JournalOptions } from './journal.js';
export { writeFileAtomic } from '../util/atomic-write.js';
export { MemoryContactStore } from '../contact/store.js';
// The wire's JavaScript-assignment parsers (login answers), for tools that read captured traffic.
export { parseJsAssignments, parseJsLogin, JsBodyError } from '../wire/js-body.js';
export type { JsValue, JsLoginResult } from '../wire/js-body.js';
