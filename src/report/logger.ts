import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear. Our own records never hold
 * credentials; this is the second lock on the door.
 */
export const REDACT_PATHS = [
  'ak',
  'sk',
  'securityToken',
  'credentials',
  'authorization',
  'Authorization',
  'headers',
  '*.ak',
  '*.sk',
  '*.securityToken',
  '*.credentials',
  '*.authorization',
  '*.Authorization',
  '*.headers',
  '*.config',
];

/**
 * A JSON-lines logger: one object a line, ISO time, level as a word. Writes
 * synchronously by default so nothing is lost when the platform freezes the
 * process right after the handler returns.
 *
 * @example createLogger().info({ kind: 'note', msg: 'hello' })
 */
export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
