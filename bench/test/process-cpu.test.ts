import { cpuSplit, processCpu, parseSchedstat, watchGc, type ProcessCpu } from '../src/process-cpu.js';

describe('process CPU split', () => {
  it('reads the on-CPU nanoseconds and the run count of a schedstat line', () => {
    expect(parseSchedstat('256825913 58366299 469\n')).toEqual({ ns: 256825913, runs: 469 });
    expect(parseSchedstat('')).toBeUndefined();
    expect(parseSchedstat('garbage')).toBeUndefined();
    expect(parseSchedstat('1 2')).toBeUndefined();
  });

  it('splits a phase per message into main thread, other threads and GC pauses', () => {
    const before: ProcessCpu = { user: 1_000_000, system: 200_000, mainUs: 900_000, mainRuns: 100, gcMs: 10 };
    const after: ProcessCpu = { user: 2_000_000, system: 400_000, mainUs: 1_700_000, mainRuns: 4100, gcMs: 60 };
    // 1,200 ms of process CPU over 1,000 messages, 800 ms of it on the main thread, 50 ms of GC pauses.
    expect(cpuSplit(before, after, 1000)).toEqual({
      mainMsPerMessage: 0.8,
      otherThreadsMsPerMessage: 0.4,
      gcPauseMsPerMessage: 0.05,
      mainRunsPerMessage: 4,
    });
    // Without the main thread's reading (not Linux) there is no split.
    const { mainUs: _, ...offLinux } = before;
    expect(cpuSplit(offLinux, after, 1000)).toBeUndefined();
    // The two clocks may disagree by a little: the other threads' share never reads below zero.
    expect(cpuSplit(before, { ...after, mainUs: 2_500_000 }, 1000)?.otherThreadsMsPerMessage).toBe(0);
  });

  it('reads this process: the main thread within the process total, GC pauses summed once watched', async () => {
    watchGc();
    const a = processCpu();
    // Garbage until a collection has been reported, bounded: how much it takes depends on how far the young
    // generation has grown in this worker (Node 22+ lets it grow to tens of MB), and GC entries reach the
    // observer asynchronously, so each round yields to the event loop.
    let rounds = 0;
    for (; rounds < 40 && processCpu().gcMs === a.gcMs; rounds++) {
      let keep: unknown[] = [];
      for (let i = 0; i < 200_000; i++) keep.push({ i, s: `x${i}` });
      keep = [];
      await new Promise((r) => setTimeout(r, 10));
    }
    const b = processCpu();
    expect(rounds).toBeGreaterThan(0);
    expect(b.user + b.system).toBeGreaterThanOrEqual(a.user + a.system);
    expect(b.gcMs).toBeGreaterThan(a.gcMs);
    if (process.platform === 'linux') {
      expect(b.mainUs).toBeGreaterThan(a.mainUs!);
      expect(b.mainRuns).toBeGreaterThanOrEqual(a.mainRuns!);
      // The main thread ran this loop; the process total holds it (within the clocks' tick).
      expect(b.mainUs! - a.mainUs!).toBeLessThanOrEqual(b.user + b.system - (a.user + a.system) + 20_000);
    }
  });
});
