import { describe, expect, it } from 'vitest';
import { createScrubber } from '../../src/cloud/scrub';
import {
  buildNotification,
  cutUtf8,
  type FailedInvocation,
  MAX_MESSAGE_BYTES,
  MAX_SUBJECT_BYTES,
} from '../../src/notify/message';
import type { OutcomeRecord, RunSummary } from '../../src/report/records';

const AK = 'UNITTESTAK00000000001';
const SK = 'unitTestSecretKey0000000000000000000000001';
const TOKEN = 'unit-security-token-9d81';
const scrub = createScrubber([AK, SK, TOKEN], 1000);

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    kind: 'summary',
    policy: 'weekly-staging-restart',
    action: 'restart',
    dryRun: false,
    listed: 23,
    matched: 3,
    succeeded: 1,
    failed: 2,
    skipped: 0,
    refused: false,
    durationMs: 412,
    invocationId: 'fg-5b7c',
    complete: true,
    notReached: 0,
    ...over,
  };
}

function rec(id: string, outcome: OutcomeRecord['outcome'], reason?: string): OutcomeRecord {
  return {
    kind: 'outcome',
    policy: 'weekly-staging-restart',
    action: 'restart',
    instanceId: id,
    instanceName: `kafka-${id}`,
    status: 'RUNNING',
    dryRun: false,
    outcome,
    ...(reason ? { reason } : {}),
  };
}

function failed(over: Partial<FailedInvocation> = {}): FailedInvocation {
  return {
    error: 'policy weekly-staging-restart: 2 of 3 instances failed (1 succeeded, 0 skipped)',
    invocationId: 'fg-5b7c',
    platform: 'functiongraph',
    summary: summary(),
    records: [
      rec('a1', 'restarted'),
      { ...rec('b2', 'failed', 'RestartInstances failed: HTTP 403'), errorCode: 'APIG.0201' },
      { ...rec('c3', 'failed', 'no result from DMS'), requestId: 'req-77' },
    ],
    ...over,
  };
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('notification text', () => {
  it('names the policy, the counts, each failed instance and where the records are', () => {
    const n = buildNotification(failed(), scrub);
    expect(n.subject).toBe(
      'dms-kafka-maintenance: policy weekly-staging-restart: 2 of 3 instances failed (1 succeeded, 0 skipped)',
    );
    expect(n.message).toContain('Policy: weekly-staging-restart (restart, live)');
    expect(n.message).toContain(
      'Counts: listed 23, matched 3, succeeded 1, failed 2, skipped 0, not reached 0, refused no',
    );
    expect(n.message).toContain('Failed (2):');
    expect(n.message).toContain(
      '- kafka-b2 (id b2, status RUNNING): RestartInstances failed: HTTP 403 [APIG.0201]',
    );
    expect(n.message).toContain(
      '- kafka-c3 (id c3, status RUNNING): no result from DMS [request id req-77]',
    );
    expect(n.message).not.toContain('kafka-a1');
    expect(n.message).toContain('Invocation: fg-5b7c (functiongraph)');
    expect(n.message).toMatch(
      /Full records: .*kind "outcome".* in the function's log group in LTS.*invocation id fg-5b7c\.$/,
    );
  });

  it('does not repeat a code or request id the reason already names', () => {
    const reason = 'RestartInstances failed: HTTP 403, APIG.0201, denied, request id r-1';
    const n = buildNotification(
      failed({
        records: [{ ...rec('e5', 'failed', reason), errorCode: 'APIG.0201', requestId: 'r-1' }],
      }),
      scrub,
    );
    expect(n.message).toContain(`- kafka-e5 (id e5, status RUNNING): ${reason}\n`);
  });

  it('lists refused and unreached instances, and says why the run stopped', () => {
    const refused = buildNotification(
      failed({
        error:
          'policy p: refused, 2 instances would be acted on and maxInstances is 1; nothing was changed',
        summary: summary({ policy: 'p', refused: true, failed: 0 }),
        records: [rec('r1', 'refused', 'too many'), rec('r2', 'refused', 'too many')],
      }),
      scrub,
    );
    expect(refused.message).toContain('Refused (2):\n- kafka-r1 (id r1, status RUNNING): too many');
    expect(refused.message).toContain('refused yes');

    const late = buildNotification(
      failed({
        error: 'policy p: incomplete: 1 of 2 not reached before the deadline',
        summary: summary({ policy: 'p', complete: false, notReached: 1, failed: 0 }),
        records: [
          rec('d1', 'restarted'),
          rec('d2', 'skipped', 'deadline'),
          rec('x', 'skipped', 'excluded'),
        ],
      }),
      scrub,
    );
    expect(late.message).toContain(
      'Not reached before the deadline (1):\n- kafka-d2 (id d2, status RUNNING)\n',
    );
    expect(late.message).not.toContain('kafka-x');

    const stopped = buildNotification(
      failed({
        error: 'ListInstances failed: HTTP 503, DMS.00503000, unavailable',
        summary: summary({ policy: 'p', error: 'ListInstances failed: HTTP 503', complete: false }),
        records: [],
      }),
      scrub,
    );
    expect(stopped.subject).toBe(
      'dms-kafka-maintenance: policy p: stopped: ListInstances failed: HTTP 503, DMS.00503000, unavailable',
    );
    expect(stopped.message).toContain('Stopped on: ListInstances failed: HTTP 503');
  });

  it('describes a config error that stopped the invocation before any run', () => {
    const n = buildNotification(
      failed({
        error:
          'invalid configuration in /opt/function/code/policies.yaml:\n  policies.x.dryrun: unknown key\n  policies.x.action: required',
        summary: undefined,
        records: [],
        platform: 'lambda',
      }),
      scrub,
    );
    expect(n.subject).toBe(
      'dms-kafka-maintenance: invalid configuration in /opt/function/code/policies.yaml',
    );
    expect(n.message).toContain('before a run started; no instance was touched');
    expect(n.message).toContain('  policies.x.dryrun: unknown key\n  policies.x.action: required');
    expect(n.message).toContain('kind "error"');
    expect(n.message).toContain('CloudWatch Logs log group');
  });

  it('scrubs keys, token and signatures from every piece of server text', () => {
    const echo = `denied: Authorization: SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host, Signature=9f3a`;
    const n = buildNotification(
      failed({
        error: `policy weekly-staging-restart: stopped: ${echo}\nX-Security-Token: ${TOKEN}`,
        invocationId: `id-${SK}`,
        summary: summary({ error: `sk=${SK} token=${encodeURIComponent(TOKEN)}` }),
        records: [
          {
            ...rec(`id-${AK}`, 'failed', echo),
            instanceName: `name\r\nSignature=abc ${TOKEN}`,
            errorCode: AK,
            requestId: `Access=${AK}`,
          },
        ],
      }),
      scrub,
    );
    for (const text of [n.subject, n.message]) {
      for (const secret of [AK, SK, TOKEN, 'SDK-HMAC-SHA256', 'Signature=', 'Access=']) {
        expect(text).not.toContain(secret);
      }
      expect(text.toLowerCase()).not.toContain('x-security-token');
    }
    expect(n.message).toContain('[redacted]');
    // A name cannot add lines of its own.
    expect(n.message).not.toMatch(/name\r?\n/);
  });

  it('cuts the subject to 512 bytes on a character boundary', () => {
    const name = '卡夫卡🚀'.repeat(100);
    const n = buildNotification(failed({ error: `policy weekly-staging-restart: ${name}` }), scrub);
    expect(bytes(n.subject)).toBeLessThanOrEqual(MAX_SUBJECT_BYTES);
    expect(bytes(n.subject)).toBeGreaterThan(MAX_SUBJECT_BYTES - 8);
    expect(n.subject.endsWith('…')).toBe(true);
    expect(n.subject).not.toContain('\uFFFD');
    expect(Buffer.from(n.subject, 'utf8').toString('utf8')).toBe(n.subject);
  });

  it('keeps the message under 256 KB and says how many instances were left out', () => {
    const records = Array.from({ length: 5000 }, (_, i) =>
      rec(`i-${i}`, 'failed', `RestartInstances failed: ${'é'.repeat(200)}`),
    );
    const n = buildNotification(
      failed({ summary: summary({ failed: 5000, matched: 5000 }), records }),
      scrub,
    );
    expect(bytes(n.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(n.message).toMatch(/\n- … and \d+ more; see the log\n/);
    expect(n.message).toMatch(/Full records: .*\.$/);
    const shown = n.message.split('\n').filter((l) => l.startsWith('- kafka-i-')).length;
    const more = Number(/and (\d+) more/.exec(n.message)?.[1]);
    expect(shown + more).toBe(5000);

    const small = buildNotification(failed({ records }), scrub, { messageBytes: 4096 });
    expect(bytes(small.message)).toBeLessThanOrEqual(4096);
    expect(small.message).toContain('Failed (5000):');
    expect(small.message).toMatch(/Full records: .*\.$/);
  });
});

describe('cutUtf8', () => {
  it('never splits a character and never goes over', () => {
    expect(cutUtf8('short', 10)).toBe('short');
    expect(cutUtf8('ééé', 5)).toBe('é…');
    expect(cutUtf8('🚀🚀', 7)).toBe('🚀…');
    expect(cutUtf8('🚀🚀', 6)).toBe('…');
    expect(cutUtf8('abc', 2)).toBe('');
    for (let max = 3; max < 40; max++) {
      const out = cutUtf8('a卡🚀é'.repeat(10), max);
      expect(bytes(out)).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});
