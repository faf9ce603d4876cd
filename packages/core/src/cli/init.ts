import { resolve } from 'node:path';

import type { CliIo } from './io.js';
import { writeNew } from './scaffold.js';

const CONFIG = `import { defineConfig } from '@wxbot/core';

// Plugins run in this order for every message. Entries can be npm packages
// ('autoreply' finds @wxbot/plugin-autoreply or wxbot-plugin-autoreply),
// local files, imported plugin values, or [entry, options].
export default defineConfig({
  account: {
    name: 'main',
    // Where the session and plugin data live (relative to this file).
    dataDir: '.wxbot',
  },
  logging: { level: 'info' },
  plugins: ['./plugins/hello.ts'],
});
`;

const HELLO = `import { definePlugin } from '@wxbot/core';

// A local plugin: try it with \`wxbot start --simulator\` and say "hi" or "/ping".
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

/** \`wxbot init\`: scaffolds bot.config.ts and a sample local plugin. */
export async function runInit(io: CliIo, dir: string | undefined): Promise<number> {
  const target = resolve(io.cwd, dir ?? '.');
  try {
    const written = await writeNew(target, { 'bot.config.ts': CONFIG, 'plugins/hello.ts': HELLO });
    io.stdout.write(
      `Created ${written.join(' and ')} in ${target}.\n\n` +
        'Next:\n' +
        '  npm install @wxbot/core      (if it is not installed yet)\n' +
        '  npx wxbot start --simulator   try it against a simulated WeChat\n' +
        '  npx wxbot start               run it for real (scan the QR code with WeChat)\n',
    );
    return 0;
  } catch (error) {
    io.stderr.write(`wxbot init: ${(error as Error).message}\n`);
    return 1;
  }
}
