import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

import type { LoggingConfig } from '../config/types.js';
import { REDACT, REDACT_HOOKS } from '../log/redact.js';

/** The bot's root logger: pretty lines in a terminal, JSON otherwise; secret fields censored (see log/redact). */
export function createLogger(config: LoggingConfig = {}, stream: NodeJS.WritableStream = process.stdout): Logger {
  const level = config.level ?? (process.env['WXBOT_LOG_LEVEL'] as LoggingConfig['level']) ?? 'info';
  const isTty = 'isTTY' in stream && Boolean(stream.isTTY);
  if (config.pretty ?? isTty) {
    // Loaded only for pretty output (CommonJS, so synchronously): ~30 modules a JSON-logging bot never needs.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    return pino(
      { level, name: 'wxbot', redact: REDACT, hooks: REDACT_HOOKS },
      pretty({
        destination: stream,
        colorize: isTty,
        ignore: 'pid,hostname,name',
        translateTime: 'HH:MM:ss',
        sync: true,
      }),
    );
  }
  return pino({ level, name: 'wxbot', redact: REDACT, hooks: REDACT_HOOKS }, stream);
}
