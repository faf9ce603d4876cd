// The last few hundred log lines, kept in memory for the control API's `GET /api/logs` (the console's
// Log page). Fed from the root logger's serialized JSON lines, so what it holds already passed the
// logger's redaction; the server masks again before answering.

export interface LogLine {
  readonly at: string;
  readonly level: string;
  readonly msg: string;
}

/** What the control plane reads. */
export interface LogTail {
  /** The newest `limit` lines, oldest first. */
  recent(limit: number): LogLine[];
}

const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export class LogRing implements LogTail {
  readonly #lines: LogLine[] = [];

  constructor(readonly size = 500) {}

  /** Takes one pino JSON line; anything else (a pretty line, a partial write) is skipped. */
  write(line: string): void {
    let record: { time?: unknown; level?: unknown; msg?: unknown };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      return;
    }
    if (record === null || typeof record !== 'object') return;
    const level = typeof record.level === 'number' ? (LEVELS[record.level] ?? String(record.level)) : 'info';
    const at = new Date(typeof record.time === 'number' ? record.time : Date.now()).toISOString();
    this.#lines.push({ at, level, msg: typeof record.msg === 'string' ? record.msg : '' });
    if (this.#lines.length > this.size) this.#lines.splice(0, this.#lines.length - this.size);
  }

  recent(limit: number): LogLine[] {
    return this.#lines.slice(Math.max(0, this.#lines.length - limit));
  }
}
