import type { DestinationStream } from 'pino';
import { readEnv } from '../src/env';
import { MaintenanceError } from '../src/errors';
import { type Clock, systemClock } from '../src/exec/clock';
import { type InvokeOptions, invoke } from '../src/invoke';
import { createLogger, type Logger } from '../src/report/logger';
import type { RunSummary } from '../src/report/records';
import { toInvocation } from './shim';

export interface HandlerOptions {
  /** Where the JSON lines go; stdout by default. */
  destination?: DestinationStream;
  clock?: Clock;
  /** The environment to read; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** For the command line's `plan`: a run that never writes, and its plan. */
  invoke?: InvokeOptions;
}

export type Handler = (event: unknown, context?: unknown) => Promise<RunSummary>;

/**
 * Builds the handler. The same function serves FunctionGraph
 * (`index.handler`) and Lambda: it tells them apart by their context.
 */
export function createHandler(opts: HandlerOptions = {}): Handler {
  const clock = opts.clock ?? systemClock;
  let logger: Logger | undefined;
  return async (event, context) => {
    logger ??= createLogger(opts.destination);
    const log = logger;
    try {
      const env = readEnv(opts.env ?? process.env, process.cwd());
      const inv = toInvocation(event, context, clock, env.localTimeoutMs);
      return await invoke(inv, { env, log, clock }, opts.invoke);
    } catch (e) {
      if (e instanceof MaintenanceError && e.name !== 'RunFailedError') {
        log.error({ kind: 'error', errorType: e.name, message: e.message });
      } else if (!(e instanceof MaintenanceError)) {
        log.error({ kind: 'error', errorType: 'UnexpectedError', message: String(e) });
      }
      throw e;
    }
  };
}

/** The deployed entry point: `index.handler`. */
export const handler: Handler = createHandler();
