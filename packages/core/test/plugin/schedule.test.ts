import { jest } from '@jest/globals';
import pino from 'pino';

import { ActionLog, type ActionBackend } from '../../src/plugin/actions.js';
import { CalendarSchedule } from '../../src/plugin/schedule.js';
import { PluginScope, type ScopeHost } from '../../src/plugin/scope.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { WEB_CAPABILITIES } from '../../src/transport/web.js';

const HOUR = 3_600_000;

function scope(failures: unknown[] = []): PluginScope {
  const host: ScopeHost = {
    backend: {} as ActionBackend,
    capabilities: WEB_CAPABILITIES,
    log: new ActionLog(),
    baseDir: '/',
    reportFailure: (_scope, error) => failures.push(error),
    causeOf: () => undefined,
  };
  return new PluginScope('clock', pino({ level: 'silent' }), createMemoryStorage().namespace('clock'), host);
}

describe('CalendarSchedule', () => {
  test('daily HH:MM in a time zone is that wall-clock time there, whatever the server zone', () => {
    const nine = new CalendarSchedule({ daily: '09:00', timeZone: 'Asia/Shanghai' });
    // 00:30 UTC is 08:30 in Beijing: the next 09:00 Beijing is 01:00 UTC the same day.
    expect(new Date(nine.next(Date.parse('2026-12-06T00:30:00Z'))!).toISOString()).toBe('2026-12-06T01:00:00.000Z');
    // Right at 09:00 Beijing the next one is a day later, not the same instant again.
    expect(new Date(nine.next(Date.parse('2026-12-06T01:00:00Z'))!).toISOString()).toBe('2026-12-07T01:00:00.000Z');
  });

  test('cron with a time zone follows daylight saving time', () => {
    const berlin = new CalendarSchedule({ cron: '0 9 * * *', timeZone: 'Europe/Berlin' });
    expect(new Date(berlin.next(Date.parse('2026-03-28T12:00:00Z'))!).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(new Date(berlin.next(Date.parse('2026-01-10T12:00:00Z'))!).toISOString()).toBe('2026-01-11T08:00:00.000Z');
  });

  test('bad specs fail at registration with what is wrong and an example', () => {
    expect(() => new CalendarSchedule({ daily: '9am' })).toThrow(/daily "9am" is not HH:MM/);
    expect(() => new CalendarSchedule({ daily: '24:00' })).toThrow(/is not HH:MM/);
    expect(() => new CalendarSchedule({ cron: '0 9 * *  nope' })).toThrow(
      /not a valid cron expression.*"0 9 \* \* 1-5"/,
    );
    expect(() => new CalendarSchedule({ cron: '0 9 * * *', timeZone: 'Beijing' })).toThrow(
      /timeZone "Beijing" is not a known IANA time zone.*Asia\/Shanghai/,
    );
  });
});

describe('ctx.schedule with calendars (fake clock)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-12-06T00:30:00Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('a bot on a UTC clock posts "09:00 Beijing time" at 09:00 Beijing time, every day', () => {
    const s = scope();
    const runs: string[] = [];
    s.schedule({ daily: '09:00', timeZone: 'Asia/Shanghai' }, () => {
      runs.push(new Date().toISOString());
    });
    jest.advanceTimersByTime(HOUR / 2 - 1);
    expect(runs).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(runs).toEqual(['2026-12-06T01:00:00.000Z']);
    jest.advanceTimersByTime(24 * HOUR);
    expect(runs).toEqual(['2026-12-06T01:00:00.000Z', '2026-12-07T01:00:00.000Z']);
  });

  test('cron on weekdays skips the weekend, and stops with the plugin', async () => {
    const s = scope();
    const runs: string[] = [];
    // 2026-12-06 is a Sunday.
    s.schedule({ cron: '0 9 * * 1-5', timeZone: 'Asia/Shanghai' }, () => {
      runs.push(new Date().toISOString());
    });
    jest.advanceTimersByTime(2 * 24 * HOUR);
    expect(runs).toEqual(['2026-12-07T01:00:00.000Z']);
    await s.dispose();
    jest.advanceTimersByTime(7 * 24 * HOUR);
    expect(runs).toHaveLength(1);
  });

  test('a failing job is reported and the schedule goes on', () => {
    const failures: unknown[] = [];
    const s = scope(failures);
    let calls = 0;
    s.schedule({ cron: '*/10 * * * *' }, () => {
      calls++;
      throw new Error('boom');
    });
    jest.advanceTimersByTime(30 * 60_000);
    expect(calls).toBe(3);
    expect(failures).toHaveLength(3);
  });
});

describe('ctx.setTimeout', () => {
  test('a delay already past (negative) runs at once; one that is not a number is refused with the value', async () => {
    const failures: unknown[] = [];
    const s = scope(failures);
    const ran: string[] = [];
    s.setTimeout(() => ran.push('late'), -3);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(['late']);
    expect(() => s.setTimeout(() => undefined, Number.NaN)).toThrow(
      'setTimeout: delay must be a finite number of ms, got NaN',
    );
    expect(() => s.setTimeout(() => undefined, Infinity)).toThrow(/got Infinity/);
    expect(failures).toEqual([]);
  });
});
