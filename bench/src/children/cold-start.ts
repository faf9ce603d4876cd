/**
 * What `wxbot start --simulator` does up to its QR event, for when the CLI
 * has not landed: load core and the simulator, start a simulator, create a
 * client for it, and exit at the first `qr` event. Prints `qr <ms since
 * process start>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const { createSimulator } = await import('@wxbot/simulator');
const { MemorySessionStore } = await import('@wxbot/core');
const { createClient } = await import('@wxbot/core/client');
const { pino } = await import('pino');

const sim = await createSimulator({ loginPollHoldMs: 200, synccheckHoldMs: 200 });
const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-bench-cold-'));
const client = createClient({
  dataDir,
  sessionStore: new MemorySessionStore(),
  hosts: { login: sim.loginUrl, main: sim.url },
  qr: { terminal: false, pngPath: false },
  logger: pino({ level: 'silent' }),
});
client.on('qr', () => {
  process.stdout.write(`qr ${performance.now().toFixed(1)}\n`);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
void client.start().catch(() => undefined);
setTimeout(() => process.exit(3), 20_000).unref();
