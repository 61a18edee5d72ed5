import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CENSOR, createLogger, REDACT_PATHS, redactRecord } from '../../src/report/logger';

type Log = ReturnType<typeof createLogger>;

/** Lines without their time, which two loggers never share. */
function lines(log: (l: Log) => void, make: (write: (s: string) => void) => Log): string[] {
  const out: string[] = [];
  log(make((s) => out.push(s)));
  return out
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/"time":"[^"]*",/, ''));
}

const ours = (write: (s: string) => void) => createLogger({ write });
// What the logger was before: pino's own `redact` over the same paths.
const pinos = (write: (s: string) => void) =>
  pino(
    {
      level: 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
    },
    { write },
  );

const SECRETS = ['AKSECRET0001', 'sk-secret-2', 'token-3', 'SDK-HMAC-SHA256 Access=x', 'pw-4'];

// One error for both loggers: the stack names where it was made.
const axiosLikeError = Object.assign(new Error('Request failed with status code 401'), {
  code: 'ERR_BAD_REQUEST',
  config: { headers: { Authorization: SECRETS[3] }, url: '/v2/p/instances' },
});

const cases: Array<[string, (l: Log) => void]> = [
  [
    'an outcome record, nothing to redact',
    (l) =>
      l.info({
        kind: 'outcome',
        policy: 'p',
        instanceId: 'i-1',
        instanceName: 'kafka-"quoted"\\back',
        dryRun: true,
        attempts: 2,
        instances: [{ id: 'a', name: 'b' }],
      }),
  ],
  [
    'top-level keys',
    (l) =>
      l.warn({
        kind: 'x',
        ak: SECRETS[0],
        sk: SECRETS[1],
        securityToken: SECRETS[2],
        credentials: { ak: SECRETS[0], sk: SECRETS[1] },
        authorization: SECRETS[3],
        Authorization: SECRETS[3],
        headers: { 'X-Security-Token': SECRETS[2] },
        gone: undefined,
      }),
  ],
  [
    'keys one level down',
    (l) =>
      l.error({
        kind: 'x',
        request: {
          url: '/v2',
          ak: SECRETS[0],
          sk: SECRETS[1],
          securityToken: SECRETS[2],
          credentials: [SECRETS[0]],
          authorization: SECRETS[3],
          Authorization: SECRETS[3],
          headers: { Authorization: SECRETS[3] },
          config: { auth: { password: SECRETS[4] } },
        },
        other: { fine: 1, nested: { deeper: 'kept' } },
      }),
  ],
  [
    'inherited and hidden keys one level down, which JSON never prints',
    (l) => {
      const opts = Object.create({ sk: SECRETS[1] });
      Object.defineProperty(opts, 'ak', { value: SECRETS[0], enumerable: false });
      l.info({ opts });
    },
  ],
  ['an error under err', (l) => l.error({ kind: 'error', err: axiosLikeError })],
  ['an error as the only argument', (l) => l.error(axiosLikeError)],
  ['a message with an interpolated object', (l) => l.info({ kind: 'x' }, 'sent %j', { sk: 'k' })],
  ['a message alone with an interpolated object', (l) => l.info('sent %o', { headers: {} })],
  [
    'a child logger with bindings',
    (l) => l.child({ region: 'r', ak: SECRETS[0], target: { sk: SECRETS[1] } }).info({ kind: 'x' }),
  ],
  [
    'a grandchild logger',
    (l) => l.child({ region: 'r' }).child({ credentials: 'c' }).info({ Authorization: 'a' }),
  ],
];

describe('logger redaction', () => {
  for (const [name, log] of cases) {
    it(`writes what pino's redact wrote: ${name}`, () => {
      const got = lines(log, ours);
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(lines(log, pinos));
    });
  }

  it('prints none of the secrets it is given', () => {
    const all = cases.flatMap(([, log]) => lines(log, ours)).join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(all).toContain(CENSOR);
  });

  it('hands back the record itself when there is nothing to redact, and never changes it', () => {
    const rec = { kind: 'outcome', instances: [{ id: 'a' }], nested: { a: 1 } };
    expect(redactRecord(rec)).toBe(rec);
    const secret = { kind: 'x', sk: 's', nested: { headers: { h: 1 } } };
    const copy = redactRecord(secret);
    expect(copy).toEqual({ kind: 'x', sk: CENSOR, nested: { headers: CENSOR } });
    expect(secret).toEqual({ kind: 'x', sk: 's', nested: { headers: { h: 1 } } });
  });
});
