import type { Invocation } from '../src/invocation/invoke';

/** The parts of FunctionGraph's Node.js context we use. */
export interface FunctionGraphContext {
  getRequestID(): string;
  getRemainingTimeInMilliSeconds(): number;
  getSecurityAccessKey?(): string;
  getSecuritySecretKey?(): string;
  getSecurityToken?(): string;
}

export function isFunctionGraphContext(c: unknown): c is FunctionGraphContext {
  return typeof (c as FunctionGraphContext | undefined)?.getRequestID === 'function';
}

/**
 * FunctionGraph's door. The agency's temporary credentials come from the
 * context on every call and are never kept between invocations.
 */
export function fromFunctionGraph(event: unknown, ctx: FunctionGraphContext): Invocation {
  const ak = ctx.getSecurityAccessKey?.();
  const sk = ctx.getSecuritySecretKey?.();
  const token = ctx.getSecurityToken?.();
  return {
    requestId: ctx.getRequestID(),
    platform: 'functiongraph',
    event,
    remainingMs: () => ctx.getRemainingTimeInMilliSeconds(),
    credentials: ak && sk ? { ak, sk, securityToken: token || undefined } : undefined,
  };
}
