import { Pacer, type Timer } from '../src/queue.js';

function fakeTimers() {
  const scheduled: { ms: number; run: () => void }[] = [];
  const setTimer = (run: () => void, ms: number): Timer => {
    scheduled.push({ ms, run });
    return { cancel: () => undefined };
  };
  return { scheduled, setTimer };
}

describe('Pacer', () => {
  it('spaces jobs by a random gap in [min, max] after the previous slot', () => {
    let now = 1_000;
    const randoms = [0, 0.999, 0.5];
    const timers = fakeTimers();
    const pacer = new Pacer({
      minMs: 10_000,
      maxMs: 20_000,
      random: () => randoms.shift()!,
      now: () => now,
      setTimer: timers.setTimer,
    });
    const delays = [
      pacer.schedule(() => undefined),
      pacer.schedule(() => undefined),
      pacer.schedule(() => undefined),
    ].map((s) => s.delayMs);
    expect(delays).toEqual([10_000, 29_990, 44_990]);
    expect(timers.scheduled.map((s) => s.ms)).toEqual(delays);
    // Long after the last slot, the next job waits only its own gap.
    now += 100_000;
    randoms.push(0);
    expect(pacer.schedule(() => undefined).delayMs).toBe(10_000);
  });

  it('with a zero range runs jobs right away', () => {
    const timers = fakeTimers();
    const pacer = new Pacer({ minMs: 0, maxMs: 0, random: Math.random, now: () => 5, setTimer: timers.setTimer });
    expect(pacer.schedule(() => undefined).delayMs).toBe(0);
    expect(pacer.schedule(() => undefined).delayMs).toBe(0);
  });

  it('reads the clock once per job, so a tick between reads never makes a negative delay', () => {
    // A loaded machine: the millisecond changes between any two readings.
    let clock = 1_000;
    const timers = fakeTimers();
    const pacer = new Pacer({ minMs: 0, maxMs: 0, random: Math.random, now: () => clock++, setTimer: timers.setTimer });
    const delays = [0, 1, 2].map(() => pacer.schedule(() => undefined).delayMs);
    expect(delays).toEqual([0, 0, 0]);
    expect(timers.scheduled.map((s) => s.ms)).toEqual([0, 0, 0]);
  });
});
