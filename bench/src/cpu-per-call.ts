/**
 * Client CPU (user + system, µs) per call of an async request, measured with `process.cpuUsage`: a warm-up
 * first (JIT, socket), then `count` calls back to back, or each after a `gapMs` pause (the steady pace:
 * every call then wakes an idle process). A paced figure has the timers' own CPU, measured alone, taken
 * out. Shared by the floor suite and the carrier comparison so both read the same way.
 */
export async function cpuPerCall(call: () => Promise<unknown>, n: number, gapMs = 0): Promise<number> {
  const count = gapMs > 0 ? Math.ceil(n / 6) : n;
  for (let i = 0; i < Math.min(300, count); i++) await call();
  let timerUs = 0;
  if (gapMs > 0) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < count; i++) await pause(gapMs);
    const t = process.cpuUsage(t0);
    timerUs = t.user + t.system;
  }
  const c0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    if (gapMs > 0) await pause(gapMs);
    await call();
  }
  const c = process.cpuUsage(c0);
  return Math.max(0, c.user + c.system - timerUs) / count;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
