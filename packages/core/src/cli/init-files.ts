// The files of a new bot project (`wxbot init`, `npm create wxbot`): each one is what a
// newcomer reads first, so the comments explain the project to them.

import { STRICT_COMPILER_OPTIONS } from './scaffold.js';

export interface ProjectVersions {
  /** Range for @wxbot/core (this package's own version). */
  readonly core: string;
  /** Range for @wxbot/simulator (core's optional peer range, as published). */
  readonly simulator: string;
}

/** A valid npm package name from a directory name ("My Bot" → "my-bot"). */
export function projectName(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name === '' ? 'my-bot' : name.slice(0, 214);
}

function packageJson(name: string, versions: ProjectVersions): string {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      start: 'wxbot start',
      dev: 'wxbot start --simulator',
      test: 'node --experimental-vm-modules node_modules/jest/bin/jest.js',
      typecheck: 'tsc',
    },
    dependencies: { '@wxbot/core': versions.core },
    devDependencies: {
      '@types/jest': '^30.0.0',
      '@types/node': '^20.19.0',
      '@wxbot/simulator': versions.simulator,
      jest: '^30.0.0',
      'ts-jest': '^29.4.0',
      typescript: '~5.9.3',
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      ...STRICT_COMPILER_OPTIONS,
      noEmit: true,
      types: ['node', 'jest'],
    },
    include: ['bot.config.ts', 'plugins'],
  },
  null,
  2,
)}\n`;

const GITIGNORE = `# The data dir holds the WeChat session (cookies, login tickets) and plugin data:
# whoever has it is logged in as your account. Never commit it.
.wxbot/
node_modules/
*.log
`;

const JEST_CONFIG = `// Jest runs the TypeScript tests as native ESM through ts-jest.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
  transform: { '^.+\\\\.ts$': ['ts-jest', { useESM: true }] },
};
`;

const CONFIG = `import { defineConfig } from '@wxbot/core';

// Plugins run in this order for every message. Entries can be npm packages
// ('autoreply' finds @wxbot/plugin-autoreply or wxbot-plugin-autoreply),
// local files, imported plugin values, or [entry, options].
export default defineConfig({
  account: {
    name: 'main',
    // Where the session and plugin data live (relative to this file; kept out of git).
    dataDir: '.wxbot',
  },
  logging: { level: 'info' },
  plugins: ['./plugins/hello.ts'],
});
`;

const HELLO = `import { definePlugin } from '@wxbot/core';

// A local plugin: try it with \`npm run dev\` and say "hi" or "/ping".
export default definePlugin({
  name: 'hello',
  setup(ctx) {
    ctx.hears(/^(hi|hello)\\b/i, (m) => m.reply(\`Hello, \${m.sender.name ?? 'friend'}!\`));
    ctx.command('ping', (m) => m.reply('pong'));
    ctx.on('friend:request', async (request, next) => {
      ctx.logger.info(\`friend request from \${request.request.nickName}: \${request.request.verifyText}\`);
      await next();
    });
  },
});
`;

const HELLO_TEST = `import { createTestBot, type TestBot } from '@wxbot/core/testing';

import hello from './hello.js';

// createTestBot runs the plugin against @wxbot/simulator, a simulated WeChat in this process.
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
});

test('greets whoever says hi', async () => {
  bot = await createTestBot({ plugins: [hello] });
  await bot.receive('hi', { from: 'Alice' });
  bot.expectReply('Alice', 'Hello, Alice!');
});

test('answers /ping', async () => {
  bot = await createTestBot({ plugins: [hello] });
  await bot.receive('/ping', { from: 'Alice' });
  bot.expectReply('Alice', 'pong');
});
`;

/** Every file of a new project, by path relative to the project directory. */
export function projectFiles(name: string, versions: ProjectVersions): Record<string, string> {
  return {
    'package.json': packageJson(name, versions),
    'tsconfig.json': TSCONFIG,
    '.gitignore': GITIGNORE,
    'jest.config.js': JEST_CONFIG,
    'bot.config.ts': CONFIG,
    'plugins/hello.ts': HELLO,
    'plugins/hello.test.ts': HELLO_TEST,
  };
}
