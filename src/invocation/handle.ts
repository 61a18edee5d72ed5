import type { DestinationStream } from 'pino';
import { MaintenanceError } from '../errors';
import { type Clock, systemClock } from '../exec/clock';
import { countdown, deadlineFrom, describeRemaining } from '../exec/deadline';
import { notifyOnFailure } from '../notify/notify';
import { observeRun } from '../notify/observe';
import { createLogger, type Logger } from '../report/logger';
import { type Env, readEnv } from './env';
import { type Invocation, type InvocationResult, type InvokeOptions, invoke } from './invoke';

/**
 * What a door hands the shell: an invocation whose platform may give no time
 * left (a local run, a test), which then has `RUN_TIMEOUT_MS` from now.
 */
export type Call = Omit<Invocation, 'remainingMs'> & { remainingMs?: Invocation['remainingMs'] };

export interface HandlerOptions {
  /** Where the JSON lines go; stdout by default. */
  destination?: DestinationStream;
  clock?: Clock;
  /** The environment to read; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** For the command line's `plan`: a run that never writes, and its plan. */
  invoke?: InvokeOptions;
}

/**
 * The shell's one entry, for a door that reads its platform's call with
 * `read`. Everything one invocation needs is wired here (the logger, made
 * once and kept warm; the environment, read afresh each time; the clock),
 * then {@link invoke} runs it. A run that fails is logged as an error line,
 * unless its records already said so, and told to the SMN topic when one is
 * set. Rejects with what stopped it.
 */
export function invocationHandler(
  opts: HandlerOptions,
  read: (event: unknown, context: unknown) => Call,
): (event: unknown, context?: unknown) => Promise<InvocationResult> {
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
      const call = read(event, context);
      // Without the platform's time left, RUN_TIMEOUT_MS from now.
      inv = { ...call, remainingMs: call.remainingMs ?? countdown(env.localTimeoutMs, clock) };
      const { localTimeoutMs } = env;
      const deadline = deadlineFrom(inv.remainingMs, {
        marginMs: env.deadlineMarginMs,
        fallbackMs: localTimeoutMs,
        clock,
        onBadRemaining: (got) =>
          run.log.warn({
            kind: 'warning',
            message: `the platform's remaining time is not a number (${describeRemaining(got)}); using RUN_TIMEOUT_MS ${localTimeoutMs} ms from now`,
          }),
      });
      return await invoke(inv, { env, log: run.log, clock, deadline }, opts.invoke);
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
