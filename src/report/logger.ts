import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths blanked out wherever they appear: a key at the top of a line, or a
 * key of any object directly under one (`*.key`). Our own records never hold
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

export const CENSOR = '[redacted]';

const TOP: ReadonlySet<string> = new Set(REDACT_PATHS.filter((p) => !p.includes('.')));
const NESTED: readonly string[] = REDACT_PATHS.filter((p) => p.startsWith('*.')).map((p) =>
  p.slice(2),
);
if (TOP.size + NESTED.length !== REDACT_PATHS.length || NESTED.some((k) => k.includes('.'))) {
  throw new Error('REDACT_PATHS: only `key` and `*.key` paths are supported');
}

/**
 * What pino's `redact` option does with {@link REDACT_PATHS}, done once per
 * line instead of once per key: pino runs a wildcard path's redactor over
 * every value of every line, which made writing 300 outcome records cost
 * about 30 ms in a cold process. Hands back `obj` itself when there is
 * nothing to blank out, otherwise a copy; never changes `obj`.
 *
 * - a top-level key of {@link REDACT_PATHS} (not undefined, not a
 *   function, which pino leaves out anyway) becomes `"[redacted]"`;
 * - an object directly under a top-level key that has a `*.key` key of its
 *   own is copied with that key as `"[redacted]"`, as pino does: the
 *   same prototype and own enumerable keys, and for an Error its message
 *   and stack, which pino's error serializer reads after this runs.
 *   Arrays are left as they are: their elements are not children here.
 */
export function redactRecord<T extends object>(obj: T): T {
  let out: Record<string, unknown> | undefined;
  const src = obj as Record<string, unknown>;
  for (const key in src) {
    if (!Object.hasOwn(src, key)) continue;
    const value = src[key];
    let next = value;
    if (TOP.has(key)) {
      if (value !== undefined && typeof value !== 'function') next = CENSOR;
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      next = redactChildren(value);
    }
    if (next !== value) {
      out ??= { ...src };
      out[key] = next;
    }
  }
  return (out ?? obj) as T;
}

function redactChildren(value: object): object {
  // Own enumerable keys only: pino's copy has no others to blank out, and
  // JSON has no others to print.
  const hit = NESTED.filter((k) => Object.prototype.propertyIsEnumerable.call(value, k));
  if (hit.length === 0) return value;
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  const src = value as Record<string, unknown>;
  for (const k in src) if (Object.hasOwn(src, k)) copy[k] = src[k];
  if (value instanceof Error) {
    for (const k of ['message', 'stack', 'cause']) {
      const d = Object.getOwnPropertyDescriptor(value, k);
      if (d && !d.enumerable) Object.defineProperty(copy, k, d);
    }
  }
  for (const k of hit) {
    Object.defineProperty(copy, k, {
      value: CENSOR,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * A JSON-lines logger: one object a line, ISO time, level as a word. Writes
 * synchronously by default so nothing is lost when the platform freezes the
 * process right after the handler returns. Every line, a child's bindings
 * and any object interpolated into a message go through
 * {@link redactRecord}.
 *
 * @example createLogger().info({ kind: 'note', msg: 'hello' })
 */
export function createLogger(destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level: 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: redactRecord },
      hooks: {
        // `log.info(obj, 'text %o', other)`: the arguments after the message.
        logMethod(args, method) {
          const first = typeof args[0] === 'string' ? 1 : 2;
          if (args.length > first) {
            const all = args as unknown[];
            for (let i = first; i < all.length; i++) {
              const a = all[i];
              if (a !== null && typeof a === 'object') all[i] = redactRecord(a);
            }
          }
          return method.apply(this, args);
        },
      },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
  // Children inherit this from the root: their bindings are redacted too.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactRecord(bindings), options);
  } as typeof child;
  return logger;
}
