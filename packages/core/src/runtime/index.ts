// Process-level tuning for programs that run a bot (the CLI uses it first thing).
export { capYoungGeneration, YOUNG_GENERATION_FLAG } from './young-generation.js';
export type { CapYoungGenerationOptions } from './young-generation.js';
