/**
 * Bench 7 (on request: `--only=ilink-latency`): reply latency on the iLink transport — a user's message
 * injected at the simulated iLink server → the bot's `sendmessage` arriving there — through the real
 * Bot, plugin host and IlinkTransport (long poll, journaled inbox, cursor, outbox). Server and bot share
 * this process (one event loop), unlike the Web latency bench's three processes: read it beside the
 * Web figure as "what the iLink path adds", not as a cross-process number.
 */
import { performance } from 'node:perf_hooks';

import { Bot, MemorySessionStore, createMemoryStorage, definePlugin } from '@wxbot/core';
import { IlinkSimulator } from '@wxbot/simulator';
import { IlinkTransport } from '@wxbot/transport-ilink';

import { silentLogger } from '../harness/wxbot.js';
import { summarize, round, type LatencySummary } from '../stats.js';

export interface IlinkLatencyPhase {
  phase: 'paced' | 'busy';
  messages: number;
  /** Pause between injections, ms. */
  gapMs: number;
  replied: number;
  latencyMs: LatencySummary;
}

export interface IlinkLatencyResult {
  users: number;
  loginMs: number;
  /** `paced`: one message every 50 ms (what a quota-bound bot sees at most); `busy`: every 5 ms. */
  phases: IlinkLatencyPhase[];
  note: string;
}

export async function runIlinkLatency(
  opts: { smoke: boolean },
  log: (line: string) => void,
): Promise<IlinkLatencyResult> {
  const plan: { phase: IlinkLatencyPhase['phase']; messages: number; gapMs: number }[] = opts.smoke
    ? [{ phase: 'busy', messages: 20, gapMs: 5 }]
    : [
        { phase: 'paced', messages: 200, gapMs: 50 },
        { phase: 'busy', messages: 1_000, gapMs: 5 },
      ];
  const users = 10;
  const sim = await IlinkSimulator.start({ autoConfirm: true, quota: false, qrPollMs: 200 });
  const echo = definePlugin({
    name: 'echo',
    setup(ctx) {
      ctx.on('message:text', (m) => m.reply(`re: ${m.text}`));
    },
  });
  const transport = new IlinkTransport({
    apiBaseUrl: sim.baseUrl,
    cdnBaseUrl: sim.cdnBaseUrl,
    sessionStore: new MemorySessionStore(),
    login: { pollGapMs: 5 },
  });
  const bot = new Bot({
    transport,
    plugins: [{ plugin: echo, options: undefined }],
    logger: silentLogger(),
    storage: createMemoryStorage(),
  });
  try {
    const t0 = performance.now();
    await bot.start();
    const loginMs = round(performance.now() - t0);
    const phases: IlinkLatencyPhase[] = [];
    for (const { phase, messages, gapMs } of plan) {
      const injected = new Map<string, number>();
      const samples: number[] = [];
      let allIn: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (allIn = resolve));
      const stopWatching = sim.onSent((s) => {
        const at = injected.get(s.text.slice('re: '.length));
        if (at === undefined) return;
        samples.push(performance.now() - at);
        if (samples.length === messages) allIn();
      });
      for (let i = 0; i < messages; i += 1) {
        const text = `${phase}${i}`;
        injected.set(text, performance.now());
        sim.say(`user${i % users}@im.wechat`, text);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      // Bounded: what has not been answered 30 s after the last injection counts as never answered.
      await Promise.race([done, new Promise((r) => setTimeout(r, 30_000).unref())]);
      stopWatching();
      log(`  ilink ${phase}: ${samples.length}/${messages} replied`);
      phases.push({ phase, messages, gapMs, replied: samples.length, latencyMs: summarize(samples, messages) });
    }
    return {
      users,
      loginMs,
      phases,
      note: 'in-process (simulated iLink server and bot share one event loop); quota off',
    };
  } finally {
    await bot.stop();
    await sim.stop();
  }
}
