import { ExecutionError } from '../errors';
import type { CloudService } from './endpoint';

/** Why a call to DMS, IAM, STS or SMN failed, as far as retry decisions care. */
export const FailureKind = {
  /** 429, API Gateway throttling (APIG.0308). */
  Throttled: 'throttled',
  /**
   * DMS.00400026: the operation is not allowed due to the instance status.
   * Source: https://support.huaweicloud.com/eu/api-kafka/ErrorCode.html
   */
  Busy: 'busy',
  /** Any 5xx: the gateway or the service failed, and nobody knows what it did. */
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
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

const RETRYABLE: ReadonlySet<FailureKind> = new Set([
  FailureKind.Throttled,
  FailureKind.Busy,
  FailureKind.Server,
  FailureKind.Network,
  FailureKind.Timeout,
]);

/** DMS's "busy": only DMS answers it, so only a DMS call is ever read as busy. */
export const BUSY_ERROR_CODE = 'DMS.00400026';

/** Each service as messages name it. */
export const SERVICE_NAME: Readonly<Record<CloudService, string>> = {
  dms: 'DMS',
  iam: 'IAM',
  sts: 'STS',
  smn: 'SMN',
};

export interface ApiErrorFields {
  operation: string;
  kind: FailureKind;
  message: string;
  httpStatus?: number | undefined;
  errorCode?: string | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
}

/**
 * A failed call to DMS, IAM, STS or SMN: {@link DmsApiError},
 * {@link IamApiError}, {@link StsApiError} or {@link SmnApiError}, each named
 * after its service. It carries what an
 * operator needs (status, the service's error code and message, request id)
 * and whether a retry may help. It never carries request headers or
 * credentials. The message names the operation, and the service too unless
 * that is DMS, the one this function is about: `IAM AssumeAgency failed:
 * HTTP 404, ...`, `ListInstances failed: HTTP 500, ...`.
 */
export abstract class CloudApiError extends ExecutionError {
  readonly service: CloudService;
  readonly operation: string;
  readonly kind: FailureKind;
  readonly httpStatus: number | undefined;
  readonly errorCode: string | undefined;
  readonly errorMsg: string;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(service: CloudService, f: ApiErrorFields) {
    const parts = [
      f.httpStatus === undefined ? f.kind : `HTTP ${f.httpStatus}`,
      f.errorCode,
      f.message,
      f.requestId && `request id ${f.requestId}`,
    ].filter(Boolean);
    const who = service === 'dms' ? '' : `${SERVICE_NAME[service]} `;
    super(`${who}${f.operation} failed: ${parts.join(', ')}`);
    this.service = service;
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

/** A failed DMS call. */
export class DmsApiError extends CloudApiError {
  override name = 'DmsApiError';
  declare readonly service: 'dms';
  constructor(f: ApiErrorFields) {
    super('dms', f);
  }
}

/** A failed IAM call: an agency's keys, or a project look-up. */
export class IamApiError extends CloudApiError {
  override name = 'IamApiError';
  declare readonly service: 'iam';
  constructor(f: ApiErrorFields) {
    super('iam', f);
  }
}

/** A failed STS call: an agency's keys (AssumeAgency, `POST /v5/agencies/assume`). */
export class StsApiError extends CloudApiError {
  override name = 'StsApiError';
  declare readonly service: 'sts';
  constructor(f: ApiErrorFields) {
    super('sts', f);
  }
}

/** A failed SMN call: a failure notification that was not published. */
export class SmnApiError extends CloudApiError {
  override name = 'SmnApiError';
  declare readonly service: 'smn';
  constructor(f: ApiErrorFields) {
    super('smn', f);
  }
}

/** The error of a failed call to `service`. */
export function apiError(service: CloudService, f: ApiErrorFields): CloudApiError {
  if (service === 'iam') return new IamApiError(f);
  if (service === 'sts') return new StsApiError(f);
  if (service === 'smn') return new SmnApiError(f);
  return new DmsApiError(f);
}

/** Maps an HTTP failure to its kind; `undefined` status means transport. */
export function classifyHttpFailure(status: number, errorCode: string | undefined): FailureKind {
  if (status === 429) return FailureKind.Throttled;
  if (errorCode === BUSY_ERROR_CODE) return FailureKind.Busy;
  if (status >= 500 && status <= 599) return FailureKind.Server;
  return FailureKind.Client;
}

const API_ERROR_NAMES: ReadonlySet<string> = new Set([
  'DmsApiError',
  'IamApiError',
  'StsApiError',
  'SmnApiError',
]);

/** A failed call to any of the four services; by name, like {@link isDmsApiError}. */
export function isCloudApiError(e: unknown): e is CloudApiError {
  return e instanceof Error && API_ERROR_NAMES.has(e.name);
}

/** A failed DMS call; IAM's and SMN's failures are not. */
export function isDmsApiError(e: unknown): e is DmsApiError {
  return e instanceof Error && e.name === 'DmsApiError';
}

/** `e` as the retries read a failure: an API error of any service, or undefined for any other error. */
export function cloudFailure(e: unknown): CloudApiError | undefined {
  return isCloudApiError(e) ? e : undefined;
}
