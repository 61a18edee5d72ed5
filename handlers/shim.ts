import { randomUUID } from 'node:crypto';
import type { Call } from '../src/invocation/handle';
import { fromFunctionGraph, isFunctionGraphContext } from './functiongraph';
import { fromLambda, isLambdaContext } from './lambda';

/**
 * Turns whatever platform called us into one {@link Call}. A call with
 * neither context (a local run, a test) gets a fresh id, and the shell gives
 * it `RUN_TIMEOUT_MS`.
 */
export function toCall(event: unknown, context: unknown): Call {
  if (isFunctionGraphContext(context)) return fromFunctionGraph(event, context);
  if (isLambdaContext(context)) return fromLambda(event, context);
  return { requestId: `local-${randomUUID()}`, platform: 'local', event, credentials: undefined };
}
