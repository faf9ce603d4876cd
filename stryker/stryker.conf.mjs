// @ts-check
/**
 * One Stryker config for every group in ./groups.mjs; scripts/mutation.mjs picks
 * the group through WXBOT_MUTATION_GROUP. Run it through `pnpm test:mutation`.
 */
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { groups } from './groups.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const name = process.env.WXBOT_MUTATION_GROUP;
const group = groups.find((g) => g.name === name);
if (!group) {
  throw new Error(
    `stryker/stryker.conf.mjs: WXBOT_MUTATION_GROUP is ${name === undefined ? 'not set' : `"${name}", not a group`}; ` +
      `set it to one of ${groups.map((g) => g.name).join(', ')} (or run \`pnpm test:mutation <group>\`)`,
  );
}

// pnpm keeps each package's dependencies in packages/<pkg>/node_modules, which the
// sandbox does not copy (only the root node_modules is linked in); let jest find them
// in the real checkout.
const packageModules = readdirSync(join(root, 'packages'))
  .map((pkg) => join(root, 'packages', pkg, 'node_modules'))
  .filter((dir) => existsSync(dir));

// Stryker wraps the test environment and loads it by name from its own folder, where pnpm
// does not hoist jest-environment-node; hand it the path jest itself would use.
const fromJest = ['jest', '@jest/core', 'jest-config', 'jest-environment-node'].reduce(
  (from, pkg) => createRequire(from).resolve(pkg),
  join(root, 'package.json'),
);

/** The @wxbot/core project of jest.config.ts, limited to the group's tests. */
const jestConfig = {
  // Stryker's jest runner merges this over the root jest.config.ts, whose `projects` would otherwise
  // win over testMatch below and run the group's tests once per project (nine times). Null, not
  // undefined: Stryker hands its options to the runner process as JSON, which drops undefined.
  projects: null,
  testEnvironment: fromJest,
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: group.tests.map((t) => `<rootDir>/${t}`),
  // Instrumented code on a shared machine runs several times slower than `pnpm test`.
  testTimeout: 30_000,
  modulePaths: packageModules,
  moduleNameMapper: {
    '^@wxbot/core/(testing|runtime)$': '<rootDir>/packages/core/src/$1/index.ts',
    '^@wxbot/(core|simulator|plugin-[a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  mutate: group.mutate,
  testRunner: 'jest',
  // Under pnpm, Stryker's own default plugin glob cannot see the runner; name it by path.
  plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/jest-runner'))],
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: { projectType: 'custom', config: jestConfig, enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  checkers: [],
  // The machine's two cores are shared; one runner leaves room for the rest.
  concurrency: Number(process.env.WXBOT_MUTATION_CONCURRENCY ?? 1),
  // On top of 1.5 × the tests' own time: the unit tests fail a stalled test in 3 s themselves, so this only
  // has to catch a mutant that loops synchronously (which jest cannot time out).
  timeoutMS: 5_000,
  incremental: true,
  incrementalFile: `stryker/incremental/${group.name}.json`,
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${group.name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['/docs', '/bench', '/examples', '/reports', 'coverage', 'dist', '.wxbot'],
};

export default config;
