export { matchTrigger, fillTemplate } from './match.js';
export type { Trigger, TriggerMatch } from './match.js';
