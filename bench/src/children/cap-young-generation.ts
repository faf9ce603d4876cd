/**
 * Imported first by the wxbot child: the bot process as `wxbot start` runs it,
 * where the CLI caps V8's young generation before loading anything big. A run
 * given NODE_OPTIONS=--max-semi-space-size=16 keeps V8's default instead (what
 * a program embedding `Bot` gets unless it opts in).
 */
import { capYoungGeneration } from '@wxbot/core/runtime';

export const youngGenerationCapped = capYoungGeneration();
