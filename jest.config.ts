import type { Config } from 'jest';

// One jest project per package: `pnpm test` runs them all, `pnpm --filter <pkg> test`
// (or `--selectProjects @wxbot/<name>`) runs one.
const packages = [
  'core',
  'simulator',
  'plugin-autoreply',
  'plugin-group-admin',
  'plugin-friend-accept',
  'store-redis',
  'transport-ilink',
  'server',
  'console',
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Workspace packages are tested from source, never from a stale dist/.
    '^@wxbot/core/(testing|runtime|client|transport)$': '<rootDir>/../core/src/$1/index.ts',
    // What `wxbot start` imports of the server (its own entry, cold start).
    '^@wxbot/server/control-plane$': '<rootDir>/../server/src/control-plane.ts',
    '^@wxbot/simulator/web$': '<rootDir>/../simulator/src/web.ts',
    '^@wxbot/(core|simulator|store-redis|transport-ilink|server|plugin-[a-z-]+)$': '<rootDir>/../$1/src/index.ts',
    '^@wxbot/console$': '<rootDir>/../console/src/node/index.ts',
    // NodeNext sources import './x.js'; jest must find './x.ts'.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    // Type errors are `pnpm typecheck`'s job; transpile-only keeps the suite fast.
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../../tsconfig.json' }],
  },
} satisfies Config;

/** The same mapping for a project whose rootDir is a top-level folder (examples/, docs/, bench/), not a package. */
const fromRepoRoot = {
  ...shared.moduleNameMapper,
  '^@wxbot/core/(testing|runtime|client|transport)$': '<rootDir>/../packages/core/src/$1/index.ts',
  '^@wxbot/server/control-plane$': '<rootDir>/../packages/server/src/control-plane.ts',
  '^@wxbot/simulator/web$': '<rootDir>/../packages/simulator/src/web.ts',
  '^@wxbot/(core|simulator|store-redis|transport-ilink|server|plugin-[a-z-]+)$':
    '<rootDir>/../packages/$1/src/index.ts',
};

const config: Config = {
  // A backstop above the tests' own bounded waits (the test bot's 5 s per message, the plugins' `eventually`
  // up to 15 s): on a loaded CI machine a slow test then fails, if at all, with the message naming what it
  // waited for, not jest's bare "Exceeded timeout of 5000 ms". Files that set a tighter limit keep theirs.
  testTimeout: 30_000,
  projects: [
    ...packages.map((name) => ({
      ...shared,
      displayName: `@wxbot/${name}`,
      rootDir: `<rootDir>/packages/${name}`,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    })),
    {
      ...shared,
      moduleNameMapper: fromRepoRoot,
      transform: {
        '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../tsconfig.json' }],
      },
      displayName: 'examples',
      rootDir: '<rootDir>/examples',
      testMatch: ['<rootDir>/**/*.test.ts'],
    },
    {
      // The docs' code samples: the plugin test shown in the plugin guide must pass as written.
      ...shared,
      displayName: 'docs',
      rootDir: '<rootDir>/docs',
      testMatch: ['<rootDir>/snippets/**/*.test.ts'],
      moduleNameMapper: fromRepoRoot,
      transform: {
        '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../tsconfig.json' }],
      },
    },
    {
      // Smoke run of `pnpm bench --smoke`: results produced and well-formed, never timings.
      ...shared,
      displayName: 'bench',
      rootDir: '<rootDir>/bench',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Suites tested in process (not through dist/) take the workspace packages from source, as above.
      moduleNameMapper: fromRepoRoot,
      transform: {
        '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../tsconfig.json' }],
      },
    },
  ],
};

export default config;
