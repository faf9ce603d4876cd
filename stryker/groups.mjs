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
  { name: 'redact', mutate: ['packages/core/src/log/redact.ts'], tests: ['packages/core/test/log/redact.test.ts'] },
  {
    name: 'download-names',
    mutate: ['packages/core/src/client/download-file.ts'],
    tests: ['packages/core/test/client/download-file.test.ts'],
  },
  {
    name: 'plugin-isolation',
    mutate: ['packages/core/src/plugin/{host,stalls,deadline}.ts'],
    tests: ['packages/core/test/plugin/{host,stalls,deadline}.test.ts'],
  },
  {
    name: 'config-validation',
    mutate: ['packages/core/src/config/{schema,resolve}.ts', 'packages/core/src/contact/stable-id.ts'],
    tests: ['packages/core/test/config/{schema,resolve}.test.ts', 'packages/core/test/contact/stable-id.test.ts'],
  },
  {
    name: 'inbox',
    mutate: ['packages/core/src/client/inbox.ts'],
    tests: ['packages/core/test/client/{inbox,inbox-restore}.test.ts'],
  },
  {
    name: 'outbox',
    mutate: ['packages/core/src/client/outbox.ts'],
    tests: ['packages/core/test/client/{outbox,outbox-retry}.test.ts'],
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
];
