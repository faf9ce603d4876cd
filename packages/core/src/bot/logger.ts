import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

import type { LoggingConfig } from '../config/types.js';

/** The bot's root logger: pretty lines in a terminal, JSON otherwise. */
export function createLogger(config: LoggingConfig = {}, stream: NodeJS.WritableStream = process.stdout): Logger {
  const level = config.level ?? (process.env['WXBOT_LOG_LEVEL'] as LoggingConfig['level']) ?? 'info';
  const isTty = 'isTTY' in stream && Boolean(stream.isTTY);
  if (config.pretty ?? isTty) {
    return pino(
      { level, name: 'wxbot' },
      pretty({
        destination: stream,
        colorize: isTty,
        ignore: 'pid,hostname,name',
        translateTime: 'HH:MM:ss',
        sync: true,
      }),
    );
  }
  return pino({ level, name: 'wxbot' }, stream);
}
