// Process-level tuning for programs that run a bot (the CLI uses it first thing).
export {
  capYoungGeneration,
  MANY_ACCOUNTS,
  releaseYoungGeneration,
  YOUNG_GENERATION_FLAG,
  YOUNG_GENERATION_RELEASE_FLAG,
} from './young-generation.js';
export type { CapYoungGenerationOptions, ReleaseYoungGenerationOptions } from './young-generation.js';
