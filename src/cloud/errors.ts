import { ExecutionError } from '../errors';

/** Why a DMS call failed, as far as retry decisions care. */
export const DmsFailureKind = {
  /** 429, API Gateway throttling (APIG.0308). */
  Throttled: 'throttled',
  /**
   * DMS.00400026: the operation is not allowed due to the instance status.
   * Source: https://support.huaweicloud.com/eu/api-kafka/ErrorCode.html
   */
  Busy: 'busy',
  /** Any 5xx: the gateway or DMS failed, and nobody knows what it did. */
  Server: 'server',
  /** Connection refused, reset or dropped before a full answer. */
  Network: 'network',
  /** Our own request timeout fired. */
  Timeout: 'timeout',
  /** A 2xx whose body is not what the API documents. */
  Malformed: 'malformed',
  /** Any other answer: 3xx, 400, 401, 403, a 404 that is not DMS's "no such instance"... */
  Client: 'client',
  /** Not sent, or cut short: the invocation's time ran out. */
  Deadline: 'deadline',
} as const;
export type DmsFailureKind = (typeof DmsFailureKind)[keyof typeof DmsFailureKind];

const RETRYABLE: ReadonlySet<DmsFailureKind> = new Set([
  DmsFailureKind.Throttled,
  DmsFailureKind.Busy,
  DmsFailureKind.Server,
  DmsFailureKind.Network,
  DmsFailureKind.Timeout,
]);

export const BUSY_ERROR_CODE = 'DMS.00400026';
export interface DmsApiErrorFields {
  operation: string;
  kind: DmsFailureKind;
  message: string;
  httpStatus?: number | undefined;
  errorCode?: string | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
}

/**
 * A failed DMS call. It carries what an operator needs (status, DMS error
 * code and message, request id) and whether a retry may help. It never
 * carries request headers or credentials.
 */
export class DmsApiError extends ExecutionError {
  override name = 'DmsApiError';
  readonly operation: string;
  readonly kind: DmsFailureKind;
  readonly httpStatus: number | undefined;
  readonly errorCode: string | undefined;
  readonly errorMsg: string;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(f: DmsApiErrorFields) {
    const parts = [
      f.httpStatus === undefined ? f.kind : `HTTP ${f.httpStatus}`,
      f.errorCode,
      f.message,
      f.requestId && `request id ${f.requestId}`,
    ].filter(Boolean);
    super(`${f.operation} failed: ${parts.join(', ')}`);
    this.operation = f.operation;
    this.kind = f.kind;
    this.httpStatus = f.httpStatus;
    this.errorCode = f.errorCode;
    this.errorMsg = f.message;
    this.requestId = f.requestId;
    this.retryAfterMs = f.retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** Maps an HTTP failure to its kind; `undefined` status means transport. */
export function classifyHttpFailure(status: number, errorCode: string | undefined): DmsFailureKind {
  if (status === 429) return DmsFailureKind.Throttled;
  if (errorCode === BUSY_ERROR_CODE) return DmsFailureKind.Busy;
  if (status >= 500 && status <= 599) return DmsFailureKind.Server;
  return DmsFailureKind.Client;
}

export function isDmsApiError(e: unknown): e is DmsApiError {
  return e instanceof Error && e.name === 'DmsApiError';
}

/** `e` as the retries read a failure: an API error, or undefined for any other error. */
export function dmsFailure(e: unknown): DmsApiError | undefined {
  return isDmsApiError(e) ? e : undefined;
}
