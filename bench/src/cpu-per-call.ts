/**
 * Client CPU (user + system, µs) per call of an async request, measured with `process.cpuUsage`: a warm-up
 * first (JIT, socket), then `count` calls back to back, or each after a `gapMs` pause (the steady pace:
 * every call then wakes an idle process). A paced figure has the timers' own CPU, measured alone (the
 * lesser of a run before and one after the calls), taken out. Shared by the floor suite and the carrier
 * comparison so both read the same way.
 */
export async function cpuPerCall(call: () => Promise<unknown>, n: number, gapMs = 0): Promise<number> {
  const count = gapMs > 0 ? Math.ceil(n / 6) : n;
  for (let i = 0; i < Math.min(300, count); i++) await call();
  // The pauses alone, measured before and after the calls; the smaller is taken out. Process CPU counts V8's
  // worker threads too, so a compilation the warm-up queued can land on one of these loops: taken from a
  // single one, it once left nothing of the calls (a CI run on Node 22 read a paced floor of 0).
  const pausesUs = async (): Promise<number> => {
    if (gapMs <= 0) return 0;
    const t0 = process.cpuUsage();
    for (let i = 0; i < count; i++) await pause(gapMs);
    const t = process.cpuUsage(t0);
    return t.user + t.system;
  };
  const before = await pausesUs();
  const c0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    if (gapMs > 0) await pause(gapMs);
    await call();
  }
  const c = process.cpuUsage(c0);
  const timerUs = Math.min(before, await pausesUs());
  return Math.max(0, c.user + c.system - timerUs) / count;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
