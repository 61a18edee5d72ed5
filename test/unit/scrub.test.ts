import { describe, expect, it } from 'vitest';
import { createScrubber, MAX_SERVER_TEXT, TRUNCATED } from '../../src/cloud/scrub';

const AK = 'HPUAK1234567890ABCDE';
const SK = 'sK/9+secretsecretsecretsecretsecret0000=';
const TOKEN = 'gQpjbi1ub3J0aC00+/tokentoken==';
const SIG = 'cb9914a7b5b85d90c03719154e183c1cccf9a87392fc52711e4f919e253b0f2e';
const AUTH = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=content-type;host;x-sdk-date, Signature=${SIG}`;
const scrub = createScrubber([AK, SK, TOKEN]);

function expectClean(text: string): void {
  for (const secret of [AK, SK, TOKEN, SIG, 'SDK-HMAC-SHA256', 'Signature=', 'Access=']) {
    expect(text).not.toContain(secret);
  }
  expect(text.toLowerCase()).not.toContain('x-security-token');
}

describe('scrubbing server-supplied text', () => {
  it('leaves ordinary error messages alone', () => {
    for (const msg of [
      'Invalid parameter: instances',
      'Incorrect authentication information: missing authorization header',
      'The request is throttled.',
    ]) {
      expect(scrub(msg)).toBe(msg);
    }
  });

  it('removes an echoed Authorization header, as a header line and in JSON', () => {
    const lines = `Bad request.\r\nAuthorization: ${AUTH}\r\nHost: dms.example`;
    expect(scrub(lines)).toBe('Bad request. [redacted] Host: dms.example');
    const json = JSON.stringify({
      host: 'h',
      authorization: AUTH,
      'x-sdk-date': '20260101T000000Z',
    });
    expect(scrub(json)).toBe('{"host":"h","[redacted]","x-sdk-date":"20260101T000000Z"}');
  });

  it('removes headers echoed as JSON inside a JSON string', () => {
    const twice = JSON.stringify(
      JSON.stringify({ authorization: AUTH, 'x-security-token': TOKEN }),
    );
    const out = scrub(twice);
    expectClean(out);
    expect(out).toContain('[redacted]');
  });

  it('removes the security token in every header shape', () => {
    for (const text of [
      `X-Security-Token: ${TOKEN}`,
      `x-security-token=${TOKEN}&next=1`,
      `{"X-Security-Token":"${TOKEN}"}`,
      `token ${TOKEN} was rejected`,
      `token ${encodeURIComponent(TOKEN)} was rejected`,
    ]) {
      expectClean(scrub(text));
    }
  });

  it('removes the bare Authorization value and its parts wherever they stand', () => {
    expectClean(scrub(`signature mismatch for '${AUTH}'`));
    expectClean(scrub(`Access=${AK.toLowerCase()} Signature=${SIG}`));
    expect(scrub(AUTH)).toBe('[redacted]');
  });

  it('removes the keys wherever they appear, escaped or not', () => {
    const out = scrub(`ak ${AK}; sk ${SK}; url-escaped ${encodeURIComponent(SK)}`);
    expectClean(out);
    expect(out).toBe('ak [redacted]; sk [redacted]; url-escaped [redacted]');
  });

  it('puts each message on one line', () => {
    expect(scrub('first\nsecond\r\n\tthird\u2028fourth')).toBe('first second third fourth');
  });

  it(`caps the text at ${MAX_SERVER_TEXT} characters, after scrubbing`, () => {
    const long = `${'x'.repeat(MAX_SERVER_TEXT - 5)}${SK}${'y'.repeat(1000)}`;
    const out = scrub(long);
    // The secret became `[redacted]` before the cut, so no piece of it is left.
    expect(out).toBe(`${'x'.repeat(MAX_SERVER_TEXT - 5)}[reda${TRUNCATED}`);
    expect(out.length).toBe(MAX_SERVER_TEXT + TRUNCATED.length);
    expect(scrub('short')).toBe('short');
  });

  it('does not split a surrogate pair when it truncates', () => {
    const out = createScrubber([], 3)('ab😀cd');
    expect(out).toBe(`ab${TRUNCATED}`);
  });

  it('hands plain names and statuses back as they are, unless they hold what it removes', () => {
    for (const plain of ['kafka-stg-orders-01', 'RUNNING', 'a.b_c-D9', '']) {
      expect(scrub(plain)).toBe(plain);
    }
    // Names of letters, digits, '.', '_' and '-' only, each still scrubbed.
    expect(scrub(`kafka-${AK}-x`)).toBe('kafka-[redacted]-x');
    expect(createScrubber(['plainsecret'])('kafka-plainsecret')).toBe('kafka-[redacted]');
    expect(scrub('kafka-SDK-HMAC-SHA256-x')).toBe('kafka-[redacted]');
    expect(scrub('kafka-sdk-hmac-sha256')).toBe('kafka-[redacted]');
    const long = 'k'.repeat(MAX_SERVER_TEXT + 1);
    expect(scrub(long)).toBe(`${'k'.repeat(MAX_SERVER_TEXT)}${TRUNCATED}`);
  });

  it('ignores empty secrets', () => {
    expect(createScrubber(['', undefined])('plain text')).toBe('plain text');
  });
});
