import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

import type { LoggingConfig } from '../config/types.js';
import { markRedacting } from '../log/logger.js';
import { REDACT, REDACT_HOOKS } from '../log/redact.js';

/**
 * The bot's root logger: pretty lines in a terminal, JSON otherwise; secret fields censored (see log/redact).
 * `tap` sees every serialized (JSON, redacted) line before it is formatted: the control API's log tail.
 */
export function createLogger(
  config: LoggingConfig = {},
  stream: NodeJS.WritableStream = process.stdout,
  tap?: (line: string) => void,
): Logger {
  const hooks =
    tap === undefined
      ? REDACT_HOOKS
      : {
          streamWrite: (line: string) => {
            const masked = REDACT_HOOKS.streamWrite(line);
            tap(masked);
            return masked;
          },
        };
  const level = config.level ?? (process.env['WXBOT_LOG_LEVEL'] as LoggingConfig['level']) ?? 'info';
  const isTty = 'isTTY' in stream && Boolean(stream.isTTY);
  if (config.pretty ?? isTty) {
    // Loaded only for pretty output (CommonJS, so synchronously): ~30 modules a JSON-logging bot never needs.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    return markRedacting(
      pino(
        { level, name: 'wxbot', redact: REDACT, hooks },
        pretty({
          destination: stream,
          colorize: isTty,
          ignore: 'pid,hostname,name',
          translateTime: 'HH:MM:ss',
          sync: true,
        }),
      ),
    );
  }
  // Marked: the accounts' and plugins' child loggers then inherit this redactor instead of compiling their own.
  return markRedacting(pino({ level, name: 'wxbot', redact: REDACT, hooks }, stream));
}
