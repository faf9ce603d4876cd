// Process-level tuning for programs that run a bot (the CLI uses it first thing).
export {
  BUSY_HOLD_MS,
  capYoungGeneration,
  MANY_ACCOUNTS,
  releaseYoungGeneration,
  YOUNG_GENERATION_FLAG,
  YOUNG_GENERATION_BUSY_FLAG,
  YOUNG_GENERATION_RELEASE_FLAG,
  youngGenerationBusy,
} from './young-generation.js';
export type {
  CapYoungGenerationOptions,
  ReleaseYoungGenerationOptions,
  YoungGenerationBusyOptions,
} from './young-generation.js';
