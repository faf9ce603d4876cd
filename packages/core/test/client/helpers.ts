import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { createSimulator, type Simulator, type SimulatorOptions } from '@wxbot/simulator';
import { WebWxClient, type ClientInternals } from '../../src/client/client.js';
import type { ClientOptions } from '../../src/client/types.js';
import { MemorySessionStore } from '../../src/session/file-store.js';

/** A logger writing JSON lines into `lines` (to assert on log output). */
export function captureLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wxbot-client-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const FAST: ClientInternals = {
  minPollIntervalMs: 20,
  contactBatchDelayMs: 5,
  contactBatchGapMs: 10,
  drainTimeoutMs: 2000,
  checkpointMs: 50,
};

export async function startSim(opts: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator({ autoConfirm: true, loginPollHoldMs: 150, synccheckHoldMs: 150, seed: 7, ...opts });
}

export function simClientOptions(sim: Simulator, dataDir: string, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    dataDir,
    account: 'bot',
    sessionStore: new MemorySessionStore(),
    hosts: { login: sim.loginUrl, main: sim.url },
    qr: { terminal: false, pngPath: false },
    sendJitterMs: 0,
    rateLimits: {
      text: { burst: 50, perSecond: 100 },
      media: { burst: 20, perSecond: 100 },
      room: { burst: 20, perSecond: 100 },
      friend: { burst: 20, perSecond: 100 },
      misc: { burst: 20, perSecond: 100 },
    },
    timeouts: { requestMs: 3000, longPollMs: 3000, loginMs: 15000 },
    recovery: { backoff: { baseMs: 20, maxMs: 200 }, keepAliveMs: 0, watchdogMs: 0 },
    logger: pino({ level: 'silent' }),
    ...extra,
  };
}

export function newClient(
  sim: Simulator,
  dataDir: string,
  extra: Partial<ClientOptions> = {},
  internals: ClientInternals = FAST,
): WebWxClient {
  return new WebWxClient(simClientOptions(sim, dataDir, extra), internals);
}

/** Polls `cond` every 10 ms until true or `timeoutMs` (then throws with `what`). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SimSuite {
  /** Data dir shared by the block's clients; removed after the block. */
  readonly dir: string;
  /** Starts a simulator (see startSim) that is closed after the current test. */
  start(opts?: SimulatorOptions): Promise<Simulator>;
  /** start() plus a client on it (see newClient) writing into `dir`. */
  startWithClient(
    opts?: SimulatorOptions,
    extra?: Partial<ClientOptions>,
  ): Promise<{ sim: Simulator; client: WebWxClient }>;
}

/**
 * Call inside a describe(): registers the hooks that close each test's simulator and remove the temp dir,
 * so a failing test cannot leave a server listening and keep jest from exiting.
 */
export function simSuite(): SimSuite {
  const tmp = tempDir();
  let sim: Simulator | undefined;
  const clients: WebWxClient[] = [];
  afterEach(async () => {
    // A test that failed half-way left its client polling: stop it, or its retries keep jest from exiting.
    await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => undefined)));
    await sim?.close();
    sim = undefined;
  });
  afterAll(() => tmp.cleanup());
  const start = async (opts: SimulatorOptions = {}): Promise<Simulator> => {
    sim = await startSim(opts);
    return sim;
  };
  return {
    dir: tmp.dir,
    start,
    async startWithClient(opts = {}, extra = {}) {
      const started = await start(opts);
      const client = newClient(started, tmp.dir, extra);
      clients.push(client);
      return { sim: started, client };
    },
  };
}
