/**
 * The peer's cold start (issue 20 item 5), the same steps `wxbot start
 * --simulator` takes: load the simulator and start it in this process with
 * the CLI's world and options, load wechat4u, log in (the simulator confirms
 * its own login) and stop at wechat4u's 'login' event, which it emits after
 * webwxinit. Prints `ready <ms since process start>`.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

import { startCliSimulator } from './cli-simulator.js';
import { pointAtSimulator } from './wechat4u-conf.js';

interface Wechat4uLike {
  CONF: Record<string, unknown>;
  start(): Promise<void>;
  stop(): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

const sim = await startCliSimulator();
const require = createRequire(import.meta.url);
const Wechat = require('wechat4u') as new () => Wechat4uLike;
const bot = new Wechat();
pointAtSimulator(bot, sim);
bot.on('error', () => undefined);
// The QR it would show (the uuid): the end point of cold starts before 2026-12-06.
bot.on('uuid', () => {
  process.stdout.write(`qr ${performance.now().toFixed(1)}\n`);
});
bot.on('login', () => {
  process.stdout.write(`ready ${performance.now().toFixed(1)}\n`);
  bot.stop();
  process.exit(0);
});
void bot.start();
setTimeout(() => process.exit(3), 20_000).unref();
