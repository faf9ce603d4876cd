import { jest } from '@jest/globals';

import { DeadlineWatch, type Watched } from '../../src/plugin/deadline.js';

function watched(deadline: number): Watched & { expired: Promise<void>; count: () => number } {
  let n = 0;
  let fire!: () => void;
  const expired = new Promise<void>((r) => (fire = r));
  return {
    deadline,
    watchSlot: -1,
    expire() {
      n++;
      fire();
    },
    expired,
    count: () => n,
  };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DeadlineWatch', () => {
  test('keeps track of many runs added and deleted in any order', () => {
    const runs = Array.from({ length: 6 }, () => watched(Infinity));
    const watch = new DeadlineWatch<(typeof runs)[number]>(10);
    for (const run of runs) watch.add(run);
    watch.add(runs[2]!); // twice is once
    for (const i of [0, 4, 2, 5]) watch.delete(runs[i]!);
    watch.delete(runs[4]!); // not watched any more: ignored
    expect([...watch.runs()].sort((a, b) => runs.indexOf(a) - runs.indexOf(b))).toEqual([runs[1], runs[3]]);
    expect(runs.map((r) => r.watchSlot >= 0)).toEqual([false, true, false, true, false, false]);
    watch.add(runs[0]!);
    expect(watch.runs()).toHaveLength(3);
    for (const run of runs) watch.delete(run);
    expect(watch.runs()).toHaveLength(0);
    watch.close();
  });

  test('expires a run once its deadline has passed, once, and forgets it', async () => {
    const watch = new DeadlineWatch(1);
    const run = watched(performance.now() + 10);
    watch.add(run);
    await run.expired;
    expect(performance.now()).toBeGreaterThanOrEqual(run.deadline);
    await tick(30);
    expect(run.count()).toBe(1);
    watch.close();
  });

  test('a deleted run and a paused run (deadline Infinity) never expire; a moved one does', async () => {
    const watch = new DeadlineWatch(1);
    const deleted = watched(performance.now() + 5);
    const paused = watched(Infinity);
    const resumed = watched(Infinity);
    watch.add(deleted);
    watch.add(paused);
    watch.add(resumed);
    watch.delete(deleted);
    resumed.deadline = performance.now() + 15;
    watch.moved(resumed);
    await resumed.expired;
    await tick(20);
    expect(deleted.count()).toBe(0);
    expect(paused.count()).toBe(0);
    watch.delete(paused);
    watch.close();
  });

  test('a run due earlier than the armed timer re-arms it; later runs are served by the same timer', async () => {
    const watch = new DeadlineWatch(1);
    const late = watched(performance.now() + 10_000);
    const soon = watched(performance.now() + 5);
    const after = watched(performance.now() + 15);
    watch.add(late);
    watch.add(soon);
    watch.add(after);
    await soon.expired;
    await after.expired;
    expect(late.count()).toBe(0);
    watch.delete(late);
    watch.close();
  });

  test('expiring may add runs (downstream handlers) to the same watch', async () => {
    const watch = new DeadlineWatch(1);
    const second = watched(0);
    const first = watched(performance.now() + 5);
    const expireFirst = first.expire.bind(first);
    first.expire = () => {
      expireFirst();
      second.deadline = performance.now() + 5;
      watch.add(second);
    };
    watch.add(first);
    await second.expired;
    expect([first.count(), second.count()]).toEqual([1, 1]);
    watch.close();
  });
});

describe('DeadlineWatch timing, on a fake clock', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('a deadline within slackMs before the armed one rides that timer: at most slackMs late', async () => {
    const watch = new DeadlineWatch(50);
    const t0 = performance.now();
    const armed = watched(t0 + 1000);
    const near = watched(t0 + 960); // 40 ms before the armed timer: within the 50 ms slack
    watch.add(armed);
    watch.add(near);
    await jest.advanceTimersByTimeAsync(999);
    expect([armed.count(), near.count()]).toEqual([0, 0]);
    await jest.advanceTimersByTimeAsync(1);
    expect([armed.count(), near.count()]).toEqual([1, 1]);
  });

  test('a deadline more than slackMs earlier re-arms the timer and expires on time', async () => {
    const watch = new DeadlineWatch(50);
    const t0 = performance.now();
    const armed = watched(t0 + 1000);
    const early = watched(t0 + 900);
    watch.add(armed);
    watch.add(early);
    await jest.advanceTimersByTimeAsync(899);
    expect(early.count()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect([armed.count(), early.count()]).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(100);
    expect(armed.count()).toBe(1);
  });

  test('a timer firing with nothing due re-arms for the earliest remaining deadline, never early', async () => {
    const watch = new DeadlineWatch(10);
    const t0 = performance.now();
    const run = watched(t0 + 100);
    watch.add(run);
    run.deadline = t0 + 200; // resumed after next(): later, so the armed timer stays
    watch.moved(run);
    await jest.advanceTimersByTimeAsync(150);
    expect(run.count()).toBe(0);
    await jest.advanceTimersByTimeAsync(49);
    expect(run.count()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(run.count()).toBe(1);
    expect(watch.runs()).toEqual([]);
  });

  test('close keeps the timer while runs are in flight, and drops it when none are', async () => {
    const watch = new DeadlineWatch(1);
    const run = watched(performance.now() + 100);
    watch.add(run);
    watch.close();
    await jest.advanceTimersByTimeAsync(100);
    expect(run.count()).toBe(1);
    const later = watched(performance.now() + 100);
    watch.add(later);
    watch.delete(later);
    watch.close();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('DeadlineWatch bookkeeping', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('the run in slot 0 added twice is kept once; a run of another watch is not deleted from this one', () => {
    const a = new DeadlineWatch(1);
    const b = new DeadlineWatch(1);
    const first = watched(Infinity);
    const other = watched(Infinity);
    a.add(first);
    a.add(first);
    expect(a.runs()).toEqual([first]);
    b.add(other);
    b.delete(first); // first's slot 0 is other's slot in b
    expect(b.runs()).toEqual([other]);
    expect(first.watchSlot).toBe(0);
  });

  test('one timer at a time: re-arming clears the old one; a paused run arms none', async () => {
    jest.useFakeTimers();
    const watch = new DeadlineWatch(10);
    watch.add(watched(Infinity));
    expect(jest.getTimerCount()).toBe(0);
    const t0 = performance.now();
    watch.add(watched(t0 + 1000));
    watch.add(watched(t0 + 100));
    expect(jest.getTimerCount()).toBe(1);
  });

  test('a deadline exactly slackMs before the armed one still rides it; moving a run earlier re-arms', async () => {
    jest.useFakeTimers();
    const watch = new DeadlineWatch(50);
    const t0 = performance.now();
    const armed = watched(t0 + 1000);
    const edge = watched(t0 + 950);
    watch.add(armed);
    watch.add(edge);
    await jest.advanceTimersByTimeAsync(950);
    expect(edge.count()).toBe(0);
    await jest.advanceTimersByTimeAsync(50);
    expect(edge.count()).toBe(1);
    const moving = watched(performance.now() + 1000);
    watch.add(moving);
    moving.deadline = performance.now() + 100;
    watch.moved(moving);
    await jest.advanceTimersByTimeAsync(100);
    expect(moving.count()).toBe(1);
  });

  test('the timer holds the process open only while a run is in flight', () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const watch = new DeadlineWatch(1);
    const before = timers();
    const run = watched(performance.now() + 60_000);
    watch.add(run);
    expect(timers()).toBe(before + 1);
    watch.delete(run);
    expect(timers()).toBe(before);
    watch.add(run);
    expect(timers()).toBe(before + 1);
    watch.delete(run);
    watch.close();
    expect(timers()).toBe(before);
  });
});
