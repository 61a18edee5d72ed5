import { describe, expect, it } from 'vitest';
import {
  type AuthExpectations,
  canonicalUri,
  type IncomingSigned,
  rfc3986,
  verifyRequest,
} from '../../simulator';

/*
 * Known-good vectors, captured once from the SDK core's AKSKSigner.sign
 * (huaweicloud-sdk-core 3.1.211) with the fixed X-Sdk-Date below.
 */
const AK = 'VECTORAK0000000000AA';
const SK = 'vectorSecretKey0000000000000000000000000';
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const DATE = '20260115T083000Z';
const SIGNED_AT = Date.UTC(2026, 0, 15, 8, 30, 0);

const expected = { ak: AK, sk: SK, projectId: PROJECT, now: SIGNED_AT + 60_000 };

function auth(signedHeaders: string, signature: string): string {
  return `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** GET /instances with queryParams {engine: 'kafka', limit: 50, offset: 0, name: 'kafka stg*'}. */
const LIST: IncomingSigned = {
  method: 'GET',
  path: `/v2/${PROJECT}/instances`,
  // As core's HTTP client puts it on the wire (querystring.stringify).
  query: 'engine=kafka&limit=50&offset=0&name=kafka%20stg*',
  headers: {
    'content-type': 'application/json',
    'x-project-id': PROJECT,
    'x-sdk-date': DATE,
    host: '127.0.0.1:8443',
    authorization: auth(
      'content-type;host;x-project-id;x-sdk-date',
      'b486b6252ae60db3910b7e830c6a7e71813a612c3565b2a10c2e7859414210f2',
    ),
  },
  body: '',
};

/** POST /instances/action with data {action: 'restart', instances: [one id]}. */
const RESTART: IncomingSigned = {
  method: 'POST',
  path: `/v2/${PROJECT}/instances/action`,
  query: '',
  headers: {
    'content-type': 'application/json',
    'x-project-id': PROJECT,
    'x-sdk-date': DATE,
    host: '127.0.0.1:8443',
    authorization: auth(
      'content-type;host;x-project-id;x-sdk-date',
      '86391eedea6ca015052b4f48ab352d2bc9b1eb36703c8cd209570ef9b612f0f6',
    ),
  },
  body: '{"action":"restart","instances":["11111111-2222-4333-8444-555555555555"]}',
};

/** GET /instances with queryParams {engine: 'kafka', status: undefined} and no content-type. */
const UNDEFINED_PARAM: IncomingSigned = {
  method: 'GET',
  path: `/v2/${PROJECT}/instances`,
  query: 'engine=kafka&status=',
  headers: {
    'x-project-id': PROJECT,
    'x-sdk-date': DATE,
    host: '127.0.0.1:8443',
    authorization: auth(
      'host;x-project-id;x-sdk-date',
      '5c26c9e6df6d80f5e6fde86f9193e278d720f808cd43a29dc92030ca0fb0bfa2',
    ),
  },
  body: '',
};

function reasonOf(req: IncomingSigned, exp: AuthExpectations = expected): string | undefined {
  const verdict = verifyRequest(req, exp);
  return verdict.ok ? undefined : verdict.reason;
}

describe('verifyRequest with vectors signed by the SDK core', () => {
  it('accepts the signed list request as it arrives on the wire', () => {
    expect(verifyRequest(LIST, expected)).toEqual({ ok: true, signatureValid: true });
  });

  it('accepts the signed restart request with its JSON body', () => {
    expect(verifyRequest(RESTART, expected)).toEqual({ ok: true, signatureValid: true });
  });

  it('accepts the query however its reserved characters were escaped', () => {
    const query = 'engine=kafka&limit=50&offset=0&name=kafka+stg%2A';
    expect(verifyRequest({ ...LIST, query }, expected).ok).toBe(true);
    const reordered = 'name=kafka%20stg*&offset=0&limit=50&engine=kafka';
    expect(verifyRequest({ ...LIST, query: reordered }, expected).ok).toBe(true);
  });

  it('rejects a changed body', () => {
    const body = RESTART.body.toString().replace('restart', 'delete');
    expect(reasonOf({ ...RESTART, body })).toBe('signature-mismatch');
  });

  it('rejects a changed query', () => {
    expect(reasonOf({ ...LIST, query: LIST.query.replace('limit=50', 'limit=10') })).toBe(
      'signature-mismatch',
    );
    expect(reasonOf({ ...LIST, query: `${LIST.query}&status=RUNNING` })).toBe('signature-mismatch');
  });

  it('rejects a changed path', () => {
    expect(reasonOf({ ...RESTART, path: `/v2/${PROJECT}/instances/actions` })).toBe(
      'signature-mismatch',
    );
  });

  it('rejects a changed signed header', () => {
    const headers = { ...LIST.headers, host: '127.0.0.1:8444' };
    expect(reasonOf({ ...LIST, headers })).toBe('signature-mismatch');
  });

  it('rejects the wrong SK', () => {
    const verdict = verifyRequest(LIST, { ...expected, sk: `${SK}x` });
    expect(verdict).toMatchObject({
      ok: false,
      signatureValid: false,
      reason: 'signature-mismatch',
    });
  });

  it('rejects a date more than 15 minutes away from the clock, either way', () => {
    const late = { ...expected, now: SIGNED_AT + 15 * 60_000 + 1000 };
    const early = { ...expected, now: SIGNED_AT - 15 * 60_000 - 1000 };
    expect(verifyRequest(LIST, late)).toMatchObject({
      ok: false,
      reason: 'expired-date',
      signatureValid: true,
    });
    expect(reasonOf(LIST, early)).toBe('expired-date');
    expect(verifyRequest(LIST, { ...expected, now: SIGNED_AT + 14 * 60_000 }).ok).toBe(true);
  });

  it('rejects a query parameter that core signed as undefined but sent empty', () => {
    expect(reasonOf(UNDEFINED_PARAM)).toBe('signature-mismatch');
    expect(
      verifyRequest({ ...UNDEFINED_PARAM, query: 'engine=kafka&status=undefined' }, expected).ok,
    ).toBe(true);
  });
});

describe('verifyRequest checks beyond the signature', () => {
  it('answers a missing or malformed Authorization header with APIG.1002', () => {
    const { authorization: _, ...rest } = LIST.headers;
    expect(verifyRequest({ ...LIST, headers: rest }, expected)).toMatchObject({
      reason: 'missing-authorization',
      code: 'APIG.1002',
    });
    const headers = { ...LIST.headers, authorization: 'Bearer abc' };
    expect(reasonOf({ ...LIST, headers })).toBe('malformed-authorization');
  });

  it('rejects an unknown AK without echoing it', () => {
    const verdict = verifyRequest(LIST, { ...expected, ak: 'OTHERAK' });
    expect(verdict).toMatchObject({ ok: false, reason: 'unknown-ak', code: 'APIG.0301' });
    expect(JSON.stringify(verdict)).not.toContain(AK);
  });

  it('rejects a missing or malformed X-Sdk-Date', () => {
    const { 'x-sdk-date': _, ...rest } = LIST.headers;
    expect(reasonOf({ ...LIST, headers: rest })).toBe('missing-date');
    expect(
      reasonOf({ ...LIST, headers: { ...LIST.headers, 'x-sdk-date': '2026-01-15T08:30:00Z' } }),
    ).toBe('invalid-date');
    expect(
      reasonOf({ ...LIST, headers: { ...LIST.headers, 'x-sdk-date': '20260230T083000Z' } }),
    ).toBe('invalid-date');
  });

  it('rejects a signed header that the request does not carry', () => {
    const { 'content-type': _, ...rest } = LIST.headers;
    expect(reasonOf({ ...LIST, headers: rest })).toBe('missing-signed-header');
  });

  it('rejects a project other than the one the credentials belong to', () => {
    expect(verifyRequest(LIST, { ...expected, projectId: 'another' })).toMatchObject({
      ok: false,
      reason: 'project-mismatch',
      signatureValid: true,
    });
  });

  it('requires the configured security token', () => {
    expect(reasonOf(LIST, { ...expected, securityToken: 'token-1' })).toBe('token-mismatch');
  });
});

describe('canonical encoding', () => {
  it('keeps unreserved characters and percent-encodes the rest as UTF-8', () => {
    expect(rfc3986('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(rfc3986('a b*c/é')).toBe('a%20b%2Ac%2F%C3%A9');
  });

  it('adds a trailing slash to the canonical URI and encodes each segment', () => {
    expect(canonicalUri('/v2/p/instances')).toBe('/v2/p/instances/');
    expect(canonicalUri('/v2/p/kafka/a%20b/tags')).toBe('/v2/p/kafka/a%2520b/tags/');
  });
});
