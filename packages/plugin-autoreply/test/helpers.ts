import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A hand-set clock: tests move time instead of sleeping. */
export function manualClock(start = new Date(2026, 0, 5, 12, 0).getTime()) {
  const clock = {
    t: start,
    now: () => clock.t,
    advance(ms: number) {
      clock.t += ms;
    },
    /** Sets local time of day, keeping the date. */
    at(hhmm: string) {
      const [h, m] = hhmm.split(':').map(Number);
      const d = new Date(clock.t);
      d.setHours(h!, m, 0, 0);
      clock.t = d.getTime();
    },
  };
  return clock;
}

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(): Promise<{
  dir: string;
  file(name: string, body: string | Buffer): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-autoreply-'));
  return {
    dir,
    async file(name, body) {
      const path = join(dir, name);
      await writeFile(path, body);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
