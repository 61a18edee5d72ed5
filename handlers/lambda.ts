import type { Context } from 'aws-lambda';
import type { Invocation } from '../src/invocation/invoke';

export type LambdaContext = Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>;

export function isLambdaContext(c: unknown): c is LambdaContext {
  const l = c as LambdaContext | undefined;
  return typeof l?.awsRequestId === 'string' && typeof l.getRemainingTimeInMillis === 'function';
}

/** Lambda's door. Credentials come from the environment (HUAWEICLOUD_SDK_*). */
export function fromLambda(event: unknown, ctx: LambdaContext): Invocation {
  return {
    requestId: ctx.awsRequestId,
    platform: 'lambda',
    event,
    remainingMs: () => ctx.getRemainingTimeInMillis(),
    credentials: undefined,
  };
}
