import { callBudgetMs, type Deadline } from '../exec/deadline';
import { type CloudService, ENDPOINT_SOURCE } from './endpoint';
import {
  type ApiErrorFields,
  apiError,
  type CloudApiError,
  classifyHttpFailure,
  FailureKind,
  SERVICE_NAME,
} from './errors';
import type { Scrub } from './scrub';
import type { HcClient } from './sdk';

/** One call to DMS, IAM or SMN, in the shape core's `sendRequest` takes. */
export interface ApiRequest {
  operation: string;
  method: 'GET' | 'POST';
  url: string;
  pathParams?: Record<string, string>;
  queryParams?: Record<string, string | number | boolean>;
  body?: Record<string, unknown>;
}

export interface ApiResponse {
  status: number;
  requestId: string | undefined;
  /** The parsed JSON body; `undefined` when the body was empty (e.g. 204). */
  body: unknown;
}

/** Which call failed: the service, and the operation, as its error names them. */
interface Origin {
  service: CloudService;
  operation: string;
}

const failed = (at: Origin, f: Omit<ApiErrorFields, 'operation'>): CloudApiError =>
  apiError(at.service, { ...f, operation: at.operation });

interface Seen {
  status: number | undefined;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
  body: unknown;
  malformed: boolean;
}

/** axios's per-request `transformResponse`: raw body, headers and status in, what core sees out. */
type TransformResponse = (raw: unknown, headers: unknown, status?: number) => object;

export interface SendOptions {
  /** The service called: it names the call's errors. */
  service: CloudService;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Applied to every piece of text from the network that an error or a response carries. */
  scrub: Scrub;
}

/**
 * Sends one signed request through core and hands back status, request id
 * and parsed body, or throws the service's {@link CloudApiError}.
 *
 * Core keeps neither response headers nor the raw body: it turns bodies that
 * are not JSON into `{}` and drops headers from its exceptions. So each call
 * gets its own `transformResponse`, which sees the raw answer first and keeps
 * what we need in a closure.
 */
export async function send(
  client: HcClient,
  req: ApiRequest,
  opts: SendOptions,
): Promise<ApiResponse> {
  const seen: Seen = {
    status: undefined,
    requestId: undefined,
    retryAfterMs: undefined,
    body: undefined,
    malformed: false,
  };
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const transformResponse = recorder(seen, opts.scrub);
  const at: Origin = { service: opts.service, operation: req.operation };
  try {
    await client.sendRequest(coreRequest(req, opts.timeoutMs, signal, transformResponse));
  } catch (e) {
    throw toApiError(at, e, seen, timeout.aborted, opts.scrub);
  }
  return answer(at, seen, opts.scrub);
}

/**
 * A `transformResponse` that records status, request id, `Retry-After` and
 * the parsed body in `seen`, and hands core only what its exceptions need.
 */
function recorder(seen: Seen, scrub: Scrub): TransformResponse {
  return (raw, headers, status) => {
    seen.status = status;
    const requestId = header(headers, 'x-request-id');
    seen.requestId = requestId === undefined ? undefined : scrub(requestId);
    seen.retryAfterMs = retryAfter(header(headers, 'retry-after'));
    if (typeof raw !== 'string' || raw.trim() === '') return {};
    try {
      seen.body = JSON.parse(raw);
    } catch {
      seen.malformed = true;
      return {};
    }
    const body = seen.body;
    // Core builds its exceptions from this; we read only `seen`. A success
    // body goes to core empty: core would copy it and JSON.stringify it for
    // a debug line it never prints, 75 KB for every listing page.
    if (status !== undefined && status < 300) return {};
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body } : {};
  };
}

/** `req` in the shape core's `sendRequest` takes, with our axios settings. */
function coreRequest(
  req: ApiRequest,
  timeoutMs: number,
  signal: AbortSignal,
  transformResponse: TransformResponse,
): Parameters<HcClient['sendRequest']>[0] {
  return {
    method: req.method,
    url: req.url,
    pathParams: req.pathParams ?? {},
    queryParams: req.queryParams ?? {},
    headers: {},
    contentType: 'application/json',
    ...(req.body ? { data: req.body } : {}),
    // Passed through to axios per request; absent from core's types.
    // maxRedirects 0 keeps axios on plain http/https: follow-redirects would
    // resend the signed request to wherever Location points, and it logs
    // every request's headers through `debug`.
    axiosRequestConfig: { timeout: timeoutMs, signal, transformResponse, maxRedirects: 0 },
  } as Parameters<HcClient['sendRequest']>[0];
}

/** What core accepted, as a response; or the error its body or its JSON shows. */
function answer(at: Origin, seen: Seen, scrub: Scrub): ApiResponse {
  if (seen.malformed) {
    throw failed(at, {
      kind: FailureKind.Malformed,
      httpStatus: seen.status,
      message: 'the response body is not valid JSON',
      requestId: seen.requestId,
    });
  }
  const carried = errorBody(seen.body);
  if (carried.code !== undefined) {
    // A 2xx that carries an error code is an error all the same: a gateway or
    // the service answered 200 and said no. Never taken as success, never as malformed.
    throw httpError(at, seen.status ?? 200, carried, seen, scrub);
  }
  return { status: seen.status ?? 0, requestId: seen.requestId, body: seen.body };
}

function toApiError(
  at: Origin,
  e: unknown,
  seen: Seen,
  timedOut: boolean,
  scrub: Scrub,
): CloudApiError {
  const ex = (e ?? {}) as { httpStatusCode?: number; errorMsg?: string };
  const status = typeof ex.httpStatusCode === 'number' ? ex.httpStatusCode : seen.status;
  if (status !== undefined && status >= 300 && status < 400) {
    // Never resent, and Location is not echoed: it may carry userinfo or a query.
    return failed(at, {
      kind: FailureKind.Client,
      httpStatus: status,
      message: 'redirect refused: redirects are never followed',
      requestId: seen.requestId,
    });
  }
  const raw = safeText(ex.errorMsg, e);
  if (status === undefined && /\bENOTFOUND\b/.test(raw)) {
    // DNS does not know the host: a region or endpoint that does not exist. No retry mends that.
    return failed(at, {
      kind: FailureKind.Client,
      message: `${scrub(raw)}: DNS does not know this host; check ${ENDPOINT_SOURCE[at.service]}`,
      requestId: seen.requestId,
    });
  }
  if (status === undefined || status < 400) {
    // No complete HTTP answer: refused, reset, dropped mid-body, or timed out.
    return failed(at, {
      kind: timedOut ? FailureKind.Timeout : FailureKind.Network,
      message: timedOut
        ? 'no answer before the request timeout'
        : status === undefined
          ? scrub(raw)
          : `the connection closed before the full answer (HTTP ${status})`,
      requestId: seen.requestId,
    });
  }
  return httpError(at, status, errorBody(seen.body), seen, scrub);
}

/** An answer with an HTTP status and, maybe, the service's error code and message. */
function httpError(
  at: Origin,
  status: number,
  body: { code?: string; message?: string },
  seen: Seen,
  scrub: Scrub,
): CloudApiError {
  const errorCode = body.code === undefined ? undefined : scrub(body.code);
  return failed(at, {
    kind: classifyHttpFailure(status, errorCode),
    httpStatus: status,
    errorCode,
    message:
      body.message !== undefined
        ? scrub(body.message)
        : errorCode
          ? 'no error message'
          : `no ${SERVICE_NAME[at.service]} error body`,
    requestId: seen.requestId,
    retryAfterMs: seen.retryAfterMs,
  });
}

/**
 * Code and message of an error body in either shape: DMS's and SMN's
 * `{error_code, error_msg}`, or API Gateway's and IAM's `{error: {code, message}}`.
 * Read from the raw body, not from core's exception, whose message falls
 * back to axios's own text.
 */
function errorBody(body: unknown): { code?: string; message?: string } {
  const outer = asRecord(body);
  const inner = asRecord(outer?.error);
  return {
    code: asText(inner?.code) ?? asText(outer?.error_code),
    message: asText(inner?.message) ?? asText(outer?.error_msg),
  };
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** Transport messages from axios name hosts and codes; scrubbed all the same. */
function safeText(msg: unknown, e: unknown): string {
  if (typeof msg === 'string' && msg) return msg;
  if (e instanceof Error && e.message) return e.message;
  return 'the connection failed';
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return typeof v === 'string' && v ? v : undefined;
}

/** `Retry-After` in seconds or as an HTTP date. */
function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * {@link send}, bounded by the invocation's deadline: not sent at all when no
 * time is left (a `deadline` error, so the caller knows nothing reached the
 * server), and with its timeout cut to the time that is.
 */
export function sendWithin(
  deadline: Deadline,
  client: HcClient,
  req: ApiRequest,
  opts: { service: CloudService; timeoutMs: number; scrub: Scrub },
): Promise<ApiResponse> {
  const budget = callBudgetMs(deadline);
  if (budget <= 0) {
    return Promise.reject(
      apiError(opts.service, {
        operation: req.operation,
        kind: FailureKind.Deadline,
        message: "not sent: the invocation's time is up",
      }),
    );
  }
  return send(client, req, { ...opts, timeoutMs: Math.min(opts.timeoutMs, Math.ceil(budget)) });
}
