import type { ActionClass, Bucket } from './types.js';

/**
 * The account's default send limits per action class: one place, read by the outbox and by the client's
 * options (and documented in the config reference). Values follow what public clients report as safe.
 */
/** Token buckets per action class: a burst, then a steady rate. */
export const DEFAULT_BUCKETS: Record<ActionClass, Bucket> = {
  text: { burst: 5, perSecond: 1 },
  media: { burst: 2, perSecond: 0.2 },
  friend: { burst: 1, perSecond: 1 / 60 },
  room: { burst: 2, perSecond: 1 / 10 },
  misc: { burst: 5, perSecond: 1 },
};

/** Actions of a class that may be in flight at once (pacing still comes from the bucket). */
export const DEFAULT_CONCURRENCY: Record<ActionClass, number> = {
  text: 8,
  media: 2,
  friend: 1,
  room: 1,
  misc: 4,
};
