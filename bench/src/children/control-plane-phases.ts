/**
 * Issue 20, cold start: where the control plane's share goes. Loads @wxbot/server the way `wxbot start`
 * does (resolved from core's workspace: the bench does not depend on it), then prints one line per
 * phase with the process CPU (user + system) it cost:
 *   `phase <name> <cpu ms> <wall ms>`
 * Mode (argv[2]): `server` — import, createApiServer (one simulator-backed bot), listen(), the first
 * request to a body-validated route; `start` — import, startControlPlane (metrics, API, listen).
 * Run with `node --cpu-prof` to see inside a phase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import type { ControlPlaneModule } from '@wxbot/core';

interface ServerModule extends ControlPlaneModule {
  createApiServer(o: { bots: unknown[]; api: { port: number }; token: string }): {
    listen(): Promise<string>;
    close(): Promise<void>;
  };
}

const mode = process.argv[2] ?? 'server';
let cpu = process.cpuUsage();
let wall = performance.now();
function phase(name: string): void {
  const d = process.cpuUsage(cpu);
  const now = performance.now();
  process.stdout.write(`phase ${name} ${((d.user + d.system) / 1000).toFixed(1)} ${(now - wall).toFixed(1)}\n`);
  cpu = process.cpuUsage();
  wall = now;
}

const { createSimulator } = await import('@wxbot/simulator');
const core = await import('@wxbot/core');
const { createClient } = await import('@wxbot/core/client');
const { pino } = await import('pino');
const sim = await createSimulator({ loginPollHoldMs: 200, synccheckHoldMs: 200 });
const dataDir = mkdtempSync(join(tmpdir(), 'wxbot-bench-cp-'));
const logger = pino({ level: 'silent' });
const client = createClient({
  dataDir,
  sessionStore: new core.MemorySessionStore(),
  hosts: { login: sim.loginUrl, main: sim.url },
  qr: { terminal: false, pngPath: false },
  logger,
});
const bot = new core.Bot({
  transport: core.webTransport(client),
  plugins: [],
  logger,
  storage: core.createMemoryStorage(),
});
phase('setup (core, simulator, bot)');

// From core's package: where `wxbot start` finds it.
const fromCore = createRequire(createRequire(import.meta.url).resolve('@wxbot/core'));
const server = (await import(pathToFileURL(fromCore.resolve('@wxbot/server')).href)) as ServerModule;
phase('import @wxbot/server');
const TOKEN = 'bench-token-0123456789abcdef';
if (mode === 'server') {
  const api = server.createApiServer({ bots: [bot], api: { port: 0 }, token: TOKEN });
  phase('createApiServer');
  const url = await api.listen();
  phase('listen');
  const res = await fetch(`${url}/api/accounts/nobody/chats/x/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: 1, text: 1 }),
  });
  await res.text();
  phase(`first POST with a bad body (${res.status})`);
  await api.close();
} else {
  const cp = await server.startControlPlane({ bots: [bot], api: { port: 0, token: TOKEN }, dataDir, logger });
  phase('startControlPlane');
  await cp.close();
}
await sim.close();
rmSync(dataDir, { recursive: true, force: true });
