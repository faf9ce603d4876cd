/** `wxbot-simulator`: run a simulator from the command line. */

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { validateFaultRule, type FaultRule } from './faults.js';
import { createSimulator } from './create.js';
import { generateAccounts } from './world/generate.js';
import { loadWorldFile } from './world/load.js';

const USAGE = `usage: wxbot-simulator [--port N] [--world world.json] [--auto-confirm] [--faults faults.json] [--separate-hosts] [--seed N] [--accounts N]`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      world: { type: 'string' },
      'auto-confirm': { type: 'boolean' },
      faults: { type: 'string' },
      'separate-hosts': { type: 'boolean' },
      seed: { type: 'string' },
      accounts: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: expected 0-65535, got ${values.port ?? ''}`);
  const world = values.world ? await loadWorldFile(values.world) : undefined;
  const count = values.accounts === undefined ? undefined : Number(values.accounts);
  if (count !== undefined && (!Number.isInteger(count) || count < 1))
    throw new Error(`--accounts: expected a whole number >= 1, got ${values.accounts ?? ''}`);
  if (count !== undefined && world) throw new Error('--accounts and --world: give one (each account has its world)');
  let faults: FaultRule[] = [];
  if (values.faults) {
    const parsed = JSON.parse(await readFile(values.faults, 'utf8')) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`${values.faults}: expected a JSON array of fault rules`);
    faults = parsed.map((r, i) => validateFaultRule(r, `${values.faults ?? ''}[${i}]`));
  }
  const sim = await createSimulator({
    port,
    ...(world ? { world } : {}),
    // Small generated accounts (500 friends, 20 rooms of 50 each), the same for the same --seed.
    ...(count === undefined ? {} : { accounts: generateAccounts({ count, seed: Number(values.seed ?? 1) }) }),
    autoConfirm: values['auto-confirm'] ?? false,
    faults,
    separateHosts: values['separate-hosts'] ?? false,
    seed: values.seed === undefined ? Date.now() % 100000 : Number(values.seed),
    logger: { info: (m) => process.stderr.write(`[sim] ${m}\n`), warn: (m) => process.stderr.write(`[sim] ${m}\n`) },
  });
  process.stdout.write(`wxbot-simulator listening\n  url:     ${sim.url}\n  login:   ${sim.loginUrl}\n`);
  process.stdout.write(`  push:    ${sim.pushUrl}\n  file:    ${sim.fileUrl}\n  control: ${sim.controlUrl}/\n`);
  if (count !== undefined) process.stdout.write(`  accounts: ${count} (${sim.controlUrl}/accounts)\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
