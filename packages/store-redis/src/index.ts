// @wxbot/store-redis: wxbot's state in Redis, shared by many workers, with leases and fencing.
export { RedisSessionStore } from './session-store.js';
export type { RedisSessionStoreOptions } from './session-store.js';
export { RedisStorage } from './storage.js';
export type { RedisStorageOptions } from './storage.js';
export { AccountLease } from './lease.js';
export type { AccountLeaseOptions } from './lease.js';
export { LeaseLost } from './fence.js';
export type { Fence } from './fence.js';
export { accountPrefix } from './keys.js';
export { RedisTokenBucket } from './token-bucket.js';
export type { RedisTokenBucketOptions } from './token-bucket.js';
export { listAccounts } from './accounts.js';
export type { AccountStatus } from './accounts.js';
export { connectRedis, redisStores } from './connect.js';
export type { RedisStores, RedisStoresOptions } from './connect.js';
export { Worker } from './worker.js';
export type { AccountContext, AccountHandle, WorkerEvent, WorkerOptions } from './worker.js';
export { WorkerRegistry, fairShare, poolKeys } from './pool.js';
