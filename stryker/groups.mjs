/**
 * The module groups `pnpm test:mutation` runs, one line each. A group names the
 * sources Stryker mutates and the test files that must kill the mutants (only
 * those run, so a group stays quick on a shared machine). Paths are relative
 * to the repository root. `pnpm test:mutation <name> ...` runs only the named groups.
 */
export const groups = [
  {
    name: 'token-bucket',
    mutate: ['packages/core/src/util/token-bucket.ts'],
    tests: ['packages/core/test/util/token-bucket.test.ts'],
  },
  {
    name: 'redact',
    mutate: ['packages/core/src/log/redact.ts'],
    tests: ['packages/core/test/log/redact-patterns.test.ts'],
  },
  {
    name: 'download-names',
    // media.ts lines: sanitizeFileName only (move the range with the function).
    mutate: ['packages/core/src/client/download-file.ts', 'packages/core/src/client/media.ts:135-155'],
    tests: ['packages/core/test/client/download-file.test.ts'],
  },
  {
    name: 'plugin-deadline',
    mutate: ['packages/core/src/plugin/deadline.ts'],
    tests: ['packages/core/test/plugin/deadline.test.ts'],
  },
  {
    name: 'plugin-stalls',
    mutate: ['packages/core/src/plugin/stalls.ts'],
    tests: ['packages/core/test/plugin/stalls.test.ts'],
  },
  {
    name: 'plugin-host',
    mutate: ['packages/core/src/plugin/host.ts'],
    tests: [
      'packages/core/test/plugin/{host,host-mechanics,host-failure-window,host-lifecycle,host-verdicts,host-attribution}.test.ts',
    ],
  },
  {
    name: 'config-schema',
    mutate: ['packages/core/src/config/schema.ts'],
    tests: ['packages/core/test/config/schema.test.ts'],
  },
  {
    name: 'validate-options',
    // resolve.ts lines: validateOptions and its segmentKey (move the range with them).
    mutate: ['packages/core/src/config/resolve.ts:102-136'],
    tests: ['packages/core/test/config/resolve.test.ts'],
  },
  {
    name: 'stable-id',
    mutate: ['packages/core/src/contact/stable-id.ts'],
    tests: ['packages/core/test/contact/stable-id.test.ts'],
  },
  {
    name: 'inbox',
    mutate: ['packages/core/src/client/inbox.ts'],
    tests: ['packages/core/test/client/{inbox,inbox-restore,inbox-unit}.test.ts'],
  },
  {
    name: 'outbox',
    mutate: ['packages/core/src/client/outbox.ts'],
    tests: ['packages/core/test/client/{outbox,outbox-retry,outbox-unit}.test.ts'],
  },
  {
    name: 'journal',
    mutate: ['packages/core/src/client/journal.ts'],
    tests: ['packages/core/test/client/{journal,journal-parts,inbox,inbox-restore,outbox,outbox-retry}.test.ts'],
  },
  // The simulator's login tests run the whole client per mutant; the unit tests pin the chain down.
  {
    name: 'login',
    mutate: ['packages/core/src/client/login.ts'],
    tests: ['packages/core/test/client/login-unit.test.ts'],
  },
  {
    name: 'sync-cursor',
    mutate: ['packages/core/src/client/{cursor-policy,cursor-keeper}.ts'],
    // cursor-policy.test.ts proves zero loss through the simulator; per mutant it is too slow to run.
    tests: ['packages/core/test/client/cursor-keeper.test.ts'],
  },
  {
    name: 'sync-answer',
    mutate: ['packages/core/src/client/sync-answer.ts'],
    tests: ['packages/core/test/client/sync-answer.test.ts'],
  },
  {
    name: 'send-reconcile',
    mutate: ['packages/core/src/client/{send-reconcile,send-policy}.ts'],
    tests: ['packages/core/test/client/{send-reconcile-unit,send-reconcile-shapes}.test.ts'],
  },
  // The stuck-selector breaker and the recovery chain, with the sync loop that counts empty syncs, reports
  // them, and applies each answer (journal first, cursor after). sync-loop.ts lines: start() to the end.
  {
    name: 'breaker',
    mutate: ['packages/core/src/client/recovery.ts', 'packages/core/src/client/sync-loop.ts:64-224'],
    tests: ['packages/core/test/client/{recovery,sync-loop,sync-loop-unit,sync-loop-apply}.test.ts'],
  },
];
