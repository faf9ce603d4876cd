export { backoffDelay, sleep } from './backoff.js';
export { TokenBucket } from './token-bucket.js';
export { newClientMsgId, newDeviceId } from './ids.js';
export { writeFileAtomic } from './atomic-write.js';
export { settledWithin } from './settled-within.js';
export { DirectoryError, ensureDir, type EnsureDirOptions } from './ensure-dir.js';
