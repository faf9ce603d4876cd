// Each area re-exports its public surface from its own barrel, so areas can grow independently.
export * from './wire/index.js';
export * from './contact/index.js';
export * from './message/index.js';
// The client's value shapes and errors only; the client itself is `@wxbot/core/client`.
export * from './client/public.js';
// Also its own entry, `@wxbot/core/transport` (the same files, so the same classes), for code that needs
// the seam without loading the rest of core's surface (the server's account hub, at `wxbot start`).
export * from './transport/index.js';
export * from './plugin/index.js';
// The runtime that runs plugins on a client (the CLI and the testing kit build on it); above plugin/, so not re-exported by it.
export * from './bot/index.js';
export * from './config/index.js';
// Process tuning (capYoungGeneration) is `@wxbot/core/runtime`; the test kit `@wxbot/core/testing`.
