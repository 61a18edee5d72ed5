import { type HandlerOptions, invocationHandler } from '../src/invocation/handle';
import type { InvocationResult } from '../src/invocation/invoke';
import { toCall } from './shim';

export type { HandlerOptions } from '../src/invocation/handle';

/** Resolves with the run's summary, or with `targets` the invocation's total. */
export type Handler = (event: unknown, context?: unknown) => Promise<InvocationResult>;

/**
 * Builds the handler. The same function serves FunctionGraph
 * (`index.handler`) and Lambda: it tells them apart by their context; the
 * shell does everything else.
 */
export function createHandler(opts: HandlerOptions = {}): Handler {
  return invocationHandler(opts, toCall);
}

/** The deployed entry point: `index.handler`. */
export const handler: Handler = createHandler();
