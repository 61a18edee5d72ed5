/**
 * Verification of SDK-HMAC-SHA256 signed requests, as API Gateway does it
 * before a request reaches DMS. Pure: the clock comes in as an argument.
 */
import { timingSafeEqual } from 'node:crypto';
import { canonicalRequest, hmacHex, sha256Hex, stringToSign } from './canonical';

export interface IncomingSigned {
  method: string;
  /** Raw path as received, without the query string. */
  path: string;
  /** Raw query string, without the `?`. */
  query: string;
  /** Header names in lowercase, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | string;
}

export interface AuthExpectations {
  ak: string;
  sk: string;
  /** The project the request must name; undefined for IAM's calls, which name none. */
  projectId: string | undefined;
  securityToken?: string | undefined;
  /** Temporary keys stop working at this instant (epoch ms). */
  expiresAt?: number | undefined;
  now: number;
}

export type AuthReason =
  | 'missing-authorization'
  | 'malformed-authorization'
  | 'unknown-ak'
  | 'missing-date'
  | 'invalid-date'
  | 'expired-date'
  | 'missing-signed-header'
  | 'signature-mismatch'
  | 'token-mismatch'
  | 'token-expired'
  | 'project-mismatch';

/** `signatureValid` says whether the HMAC itself checked out, whatever else failed. */
export type Verdict =
  | { ok: true; signatureValid: true }
  | { ok: false; signatureValid: boolean; reason: AuthReason; code: string; message: string };

export const MAX_SKEW_MS = 15 * 60 * 1000;

const IAM = 'Incorrect IAM authentication information';
const AUTH_HEADER =
  /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]{64})$/;
const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function fail(
  reason: AuthReason,
  message: string,
  code = 'APIG.0301',
  signatureValid = false,
): Verdict {
  return { ok: false, signatureValid, reason, code, message };
}

function header(headers: IncomingSigned['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Epoch ms of an X-Sdk-Date value, or undefined when it is not `YYYYMMDDTHHmmssZ`. */
export function parseSdkDate(value: string): number | undefined {
  const m = SDK_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== (mo ?? 1) - 1 || back.getUTCDate() !== d) return undefined;
  return ms;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `{project_id}` segment of a `/v2/{project_id}/...` path, if the path has that shape. */
export function pathProject(path: string): string | undefined {
  const m = /^\/v2\/([^/]+)(\/|$)/.exec(path);
  if (m?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

export function verifyRequest(req: IncomingSigned, expected: AuthExpectations): Verdict {
  const authorization = header(req.headers, 'authorization');
  if (!authorization) {
    return fail(
      'missing-authorization',
      'Incorrect authentication information: missing authorization header',
      'APIG.1002',
    );
  }
  const parsed = AUTH_HEADER.exec(authorization.trim());
  if (!parsed) {
    return fail(
      'malformed-authorization',
      'Incorrect authentication information: authorization header is malformed',
      'APIG.1002',
    );
  }
  const [, access = '', signedList = '', signature = ''] = parsed;
  if (access !== expected.ak) {
    return fail('unknown-ak', `${IAM}: Get secretKey failed,ak:******,err:ak not exist`);
  }
  const sdkDate = header(req.headers, 'x-sdk-date');
  if (!sdkDate) return fail('missing-date', `${IAM}: x-sdk-date header is missing`);
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined)
    return fail('invalid-date', `${IAM}: x-sdk-date is not in the format YYYYMMDDTHHmmssZ`);
  const signedHeaders = signedList.split(';');
  for (const name of signedHeaders) {
    if (name !== name.toLowerCase() || header(req.headers, name) === undefined) {
      return fail(
        'missing-signed-header',
        `${IAM}: verify aksk signature fail, signed header ${name} is missing`,
      );
    }
  }
  const declaredHash = signedHeaders.includes('x-sdk-content-sha256')
    ? header(req.headers, 'x-sdk-content-sha256')
    : undefined;
  const canonical = canonicalRequest({
    method: req.method,
    rawPath: req.path,
    rawQuery: req.query,
    signedHeaders: [...signedHeaders].sort(),
    headerValue: (name) => header(req.headers, name) ?? '',
    payloadHash: declaredHash ?? sha256Hex(req.body),
  });
  if (!sameHex(hmacHex(expected.sk, stringToSign(sdkDate, canonical)), signature)) {
    return fail('signature-mismatch', `${IAM}: verify aksk signature fail`);
  }
  return afterSignature(req, expected, sdkDate, signedAt);
}

/**
 * What a valid signature still has to pass: the time it was made, the
 * token that came with the key, the key's expiry, and the project it names.
 */
function afterSignature(
  req: IncomingSigned,
  expected: AuthExpectations,
  sdkDate: string,
  signedAt: number,
): Verdict {
  if (Math.abs(expected.now - signedAt) > MAX_SKEW_MS) {
    const server = new Date(expected.now)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    return fail(
      'expired-date',
      `${IAM}: signature expired, signature time:${sdkDate},server time:${server}`,
      'APIG.0301',
      true,
    );
  }
  if (
    expected.securityToken !== undefined &&
    header(req.headers, 'x-security-token') !== expected.securityToken
  ) {
    return fail('token-mismatch', `${IAM}: decrypt token fail`, 'APIG.0301', true);
  }
  if (expected.expiresAt !== undefined && expected.now >= expected.expiresAt) {
    // APIG.0301 is the gateway's code for keys it does not accept; the wording is ours.
    return fail('token-expired', `${IAM}: the security token has expired`, 'APIG.0301', true);
  }
  if (expected.projectId === undefined) return { ok: true, signatureValid: true };
  const projectHeader = header(req.headers, 'x-project-id');
  const inPath = pathProject(req.path);
  if (
    projectHeader !== expected.projectId ||
    (inPath !== undefined && inPath !== expected.projectId)
  ) {
    const msg = `${IAM}: the project in the request does not belong to the credentials`;
    return fail('project-mismatch', msg, 'APIG.0301', true);
  }
  return { ok: true, signatureValid: true };
}
