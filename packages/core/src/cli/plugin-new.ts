import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { CliIo } from './io.js';
import { STRICT_COMPILER_OPTIONS, writeNew } from './scaffold.js';

function coreVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `greet` → `wxbot-plugin-greet`; scoped and already-prefixed names are kept. */
export function pluginPackageName(name: string): string {
  return name.startsWith('@') || name.startsWith('wxbot-plugin-') ? name : `wxbot-plugin-${name}`;
}

const NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

function files(pkgName: string, version: string): Record<string, string> {
  const short = pkgName.replace(/^@[^/]+\//, '').replace(/^wxbot-plugin-/, '');
  const typeName = `${short.replace(/(^|[-_.])(\w)/g, (_, __, c: string) => c.toUpperCase())}Options`;
  const pkg = {
    name: pkgName,
    version: '0.1.0',
    description: `wxbot plugin: ${short}`,
    license: 'MIT',
    type: 'module',
    keywords: ['wxbot', 'wxbot-plugin', 'wechat'],
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'README.md'],
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      test: 'node --experimental-vm-modules node_modules/jest/bin/jest.js',
      prepack: 'npm run build',
    },
    peerDependencies: { '@wxbot/core': `^${version}` },
    dependencies: { zod: '^4.0.0' },
    devDependencies: {
      '@wxbot/core': `^${version}`,
      // @wxbot/core/testing runs the plugin against it; core has it as an optional peer.
      '@wxbot/simulator': `^${version}`,
      '@types/jest': '^30.0.0',
      '@types/node': '^20.19.0',
      jest: '^30.0.0',
      'ts-jest': '^29.4.0',
      typescript: '~5.9.3',
    },
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          ...STRICT_COMPILER_OPTIONS,
          declaration: true,
          outDir: 'dist',
          types: ['node', 'jest'],
        },
        include: ['src', 'test'],
      },
      null,
      2,
    )}\n`,
    'tsconfig.build.json': `${JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', types: ['node'] }, include: ['src'] }, null, 2)}\n`,
    'jest.config.js': `// Jest runs the TypeScript tests as native ESM through ts-jest.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
  transform: { '^.+\\\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
};
`,
    'src/index.ts': `import { definePlugin } from '@wxbot/core';
import { z } from 'zod';

const options = z.object({
  /** What the bot answers to "/${short}". */
  reply: z.string().default('Hello from ${pkgName}!'),
});

/** Options users pass in bot.config.ts: ['${short}', { reply: '...' }]. */
export type ${typeName} = z.input<typeof options>;

// Type-checks and autocompletes this plugin's options in users' bot.config.ts.
declare module '@wxbot/core' {
  interface PluginRegistry {
    '${pkgName}': ${typeName} | undefined;
  }
}

export default definePlugin({
  name: '${pkgName}',
  options,
  setup(ctx, { reply }) {
    ctx.command('${short.replace(/[^\p{L}\p{N}_-]/gu, '') || 'hello'}', (m) => m.reply(reply));
  },
});
`,
    'test/index.test.ts': `import { createTestBot, type TestBot } from '@wxbot/core/testing';

import plugin from '../src/index.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
});

test('answers /${short}', async () => {
  bot = await createTestBot({ plugins: [[plugin, { reply: 'hi there' }]] });
  await bot.receive('/${short}', { from: 'Alice' });
  bot.expectReply('Alice', 'hi there');
});

test('stays quiet otherwise', async () => {
  bot = await createTestBot({ plugins: [plugin] });
  await bot.receive('good morning', { from: 'Alice' });
  bot.expectNoActions();
});
`,
    'README.md': `# ${pkgName}

A [wxbot](https://www.npmjs.com/package/@wxbot/core) plugin.

## Use

\`\`\`sh
npm install ${pkgName}
\`\`\`

\`\`\`ts
// bot.config.ts
import { defineConfig } from '@wxbot/core';

export default defineConfig({
  plugins: [['${short}', { reply: 'Hi!' }]],
});
\`\`\`

## Options

| option  | type   | default                      |
| ------- | ------ | ---------------------------- |
| \`reply\` | string | \`Hello from ${pkgName}!\` |

## Develop

\`\`\`sh
npm install
npm test        # runs the plugin against @wxbot/core's simulator
npm run build
npm pack        # or npm publish
\`\`\`
`,
    '.gitignore': 'node_modules\ndist\n*.tgz\n',
  };
}

/** `wxbot plugin new <name>`: scaffolds a publishable plugin package. */
export async function runPluginNew(io: CliIo, name: string | undefined, dir: string | undefined): Promise<number> {
  if (name === undefined || !NAME.test(name)) {
    io.stderr.write(
      `wxbot plugin new: ${name === undefined ? 'give the plugin a name' : `"${name}" is not a valid package name`} (lower-case letters, digits, "-", "." or "_"; e.g. wxbot plugin new greet)\n`,
    );
    return 2;
  }
  const pkgName = pluginPackageName(name);
  const target = resolve(io.cwd, dir ?? pkgName.replace(/^@[^/]+\//, ''));
  try {
    await writeNew(target, files(pkgName, coreVersion()));
  } catch (error) {
    io.stderr.write(`wxbot plugin new: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(
    `Created ${pkgName} in ${target}.\n\nNext:\n  cd ${target}\n  npm install\n  npm test\n  npm pack   (or npm publish)\n\n` +
      `Users list it in bot.config.ts as '${pkgName}'${pkgName.startsWith('wxbot-plugin-') ? ` or '${pkgName.slice('wxbot-plugin-'.length)}'` : ''}.\n`,
  );
  return 0;
}
