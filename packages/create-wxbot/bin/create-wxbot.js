#!/usr/bin/env node
// `npm create wxbot@latest [dir] [-- --no-install]` is `wxbot init --dir <dir>`: one
// implementation of the project template, kept in @wxbot/core.
import { main } from '@wxbot/core/cli';

const args = process.argv.slice(2);
const [first, ...rest] = args;
process.exitCode = await main(
  first === undefined || first.startsWith('-') ? ['init', ...args] : ['init', '--dir', first, ...rest],
);
