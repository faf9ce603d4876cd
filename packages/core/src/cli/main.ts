import { readFileSync } from 'node:fs';

const USAGE = `Usage: wxbot <command> [options]

Commands:
  --version                               print the version
  --help                                  print this help
`;

/** Entry point of the `wxbot` bin; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  process.stderr.write(`wxbot: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}
