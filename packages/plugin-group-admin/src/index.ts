export { parseCommand } from './command.js';
export type { ParsedCommand } from './command.js';
