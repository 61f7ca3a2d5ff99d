import type { Redactor } from './secrets';

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** One JSON object per line on stderr; every line passes the redactor, so a known secret can never be written. */
export function jsonLogger(redactor: Redactor, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return {
    log(level, message, fields) {
      const line = JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields });
      write(`${redactor.redact(line)}\n`);
    },
  };
}

export const silentLogger: Logger = { log() {} };
