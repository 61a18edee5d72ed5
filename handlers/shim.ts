import { randomUUID } from 'node:crypto';
import type { Clock } from '../src/exec/clock';
import type { Invocation } from '../src/invocation/invoke';
import { fromFunctionGraph, isFunctionGraphContext } from './functiongraph';
import { fromLambda, isLambdaContext } from './lambda';

/**
 * Turns whatever platform called us into one {@link Invocation}. A call
 * with neither context (a local run, a test) gets a fresh id and a budget.
 */
export function toInvocation(
  event: unknown,
  context: unknown,
  clock: Clock,
  localTimeoutMs: number,
): Invocation {
  if (isFunctionGraphContext(context)) return fromFunctionGraph(event, context);
  if (isLambdaContext(context)) return fromLambda(event, context);
  const endsAt = clock.now() + localTimeoutMs;
  return {
    requestId: `local-${randomUUID()}`,
    platform: 'local',
    event,
    remainingMs: () => endsAt - clock.now(),
    credentials: undefined,
  };
}
