import type { DestinationStream } from 'pino';
import { MaintenanceError } from '../src/errors';
import { type Clock, systemClock } from '../src/exec/clock';
import { type Env, readEnv } from '../src/invocation/env';
import {
  type Invocation,
  type InvocationResult,
  type InvokeOptions,
  invoke,
} from '../src/invocation/invoke';
import { notifyOnFailure } from '../src/notify/notify';
import { observeRun } from '../src/notify/observe';
import { createLogger, type Logger } from '../src/report/logger';
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

/** Resolves with the run's summary, or with `targets` the invocation's total. */
export type Handler = (event: unknown, context?: unknown) => Promise<InvocationResult>;

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
    // The records the run logs are also kept, for a failure notification.
    const run = observeRun(log);
    let env: Env | undefined;
    let inv: Invocation | undefined;
    try {
      env = readEnv(opts.env ?? process.env, process.cwd());
      inv = toInvocation(event, context, clock, env.localTimeoutMs);
      return await invoke(inv, { env, log: run.log, clock }, opts.invoke);
    } catch (e) {
      if (e instanceof MaintenanceError && e.name !== 'RunFailedError') {
        log.error({ kind: 'error', errorType: e.name, message: e.message });
      } else if (!(e instanceof MaintenanceError)) {
        log.error({ kind: 'error', errorType: 'UnexpectedError', message: String(e) });
      }
      // Without a readable environment there is no topic to tell.
      if (env && inv) await notifyOnFailure({ env, invocation: inv, log, clock }, e, run);
      throw e;
    }
  };
}

/** The deployed entry point: `index.handler`. */
export const handler: Handler = createHandler();
