import { Cron } from 'croner';

import type { ScheduleSpec } from './types.js';

/** The specs that repeat on a calendar: `daily` and `cron`. */
export type CalendarSpec = Extract<ScheduleSpec, { daily: string } | { cron: string }>;

const DAILY_RE = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Throws a RangeError naming the zone when `timeZone` is not an IANA zone this Node knows. */
function checkTimeZone(timeZone: string | undefined, where: string): void {
  if (timeZone === undefined) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(
      `schedule: ${where} timeZone "${timeZone}" is not a known IANA time zone (e.g. "Asia/Shanghai", "Europe/Berlin", "UTC")`,
    );
  }
}

/**
 * A calendar spec compiled once, at registration, so a typo fails where the
 * plugin calls `ctx.schedule` rather than at the first run. `daily` is a cron
 * pattern too; without `timeZone` both follow the server's local time.
 */
export class CalendarSchedule {
  readonly #cron: Cron;

  constructor(spec: CalendarSpec) {
    let pattern: string;
    if ('daily' in spec) {
      const match = DAILY_RE.exec(spec.daily);
      if (match === null) throw new TypeError(`schedule: daily "${spec.daily}" is not HH:MM (00:00–23:59)`);
      pattern = `0 ${Number(match[2])} ${Number(match[1])} * * *`;
      checkTimeZone(spec.timeZone, `daily "${spec.daily}":`);
    } else {
      pattern = spec.cron;
      checkTimeZone(spec.timeZone, `cron "${spec.cron}":`);
    }
    try {
      // Paused: croner only computes dates here; the plugin scope owns the timers so they stop with it.
      this.#cron = new Cron(pattern, {
        paused: true,
        ...(spec.timeZone === undefined ? {} : { timezone: spec.timeZone }),
      });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new TypeError(
        `schedule: cron "${pattern}" is not a valid cron expression (${why}); use five fields "min hour day month weekday" (e.g. "0 9 * * 1-5") or six with seconds first`,
      );
    }
  }

  /** Epoch ms of the next run strictly after `now`, or undefined when the pattern never fires again. */
  next(now: number): number | undefined {
    return this.#cron.nextRun(new Date(now))?.getTime();
  }
}
