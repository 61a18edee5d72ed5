import { afterEach, describe, expect, it } from 'vitest';
import { generateFleet, type Simulator, startSimulator } from '../../simulator';
import type { Clock } from '../../src/exec/clock';
import {
  ALL_FAILURE_POLICY,
  CLEANUP_POLICY,
  DEV_CLEANUP_POLICY,
  mk,
  RESTART_POLICY,
  staging,
} from '../support/fleet';
import {
  actions,
  batches,
  byOutcome,
  movableClock,
  type RunOutcome,
  runHandler,
  writes,
} from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const run = (opts: Parameters<typeof runHandler>[1]) =>
  runHandler(sim, { event: { policy: 'restart' }, policy: RESTART_POLICY, ...opts });
const reasonOf = (r: RunOutcome, id: string) => r.outcomes.find((o) => o.instanceId === id)?.reason;
const warnings = (r: RunOutcome) => r.lines.filter((l) => l.kind === 'warning');
const optedIn = { env: 'staging', 'restart-window': 'any' };

/** A FunctionGraph context whose remaining time is whatever `remaining` says. */
function fgContext(s: Simulator, remaining: () => number) {
  return {
    getRequestID: () => 'fg-test',
    getRemainingTimeInMilliSeconds: remaining,
    getSecurityAccessKey: () => s.ak,
    getSecuritySecretKey: () => s.sk,
    getSecurityToken: () => '',
  };
}

/** Real time, but each sleep first runs `onSleep`, then returns at once. */
function hookedClock(onSleep: (ms: number) => void): Clock {
  return {
    now: () => Date.now(),
    sleep: async (ms) => {
      onSleep(ms);
    },
  };
}

describe('what DMS really returns', () => {
  it('lists FAULTY, RESIZING and RESIZING FAILED instances without stopping, and restarts FAULTY when asked', async () => {
    sim = await startSimulator({
      fleet: [
        mk('run', 'kafka-run', 'RUNNING', optedIn),
        mk('faulty', 'kafka-faulty', 'FAULTY', optedIn),
        mk('resizing', 'kafka-resizing', 'RESIZING', optedIn),
        mk('rf', 'kafka-rf', 'RESIZING FAILED', optedIn),
      ],
      restartDelayMs: 60_000,
    });
    const policy = RESTART_POLICY.replace(
      '    batchSize: 10',
      '    batchSize: 10\n    select:\n      tags: { env: staging }\n      status: [RUNNING, FAULTY]',
    ).replace('    select:\n      tags: { env: staging, restart-window: [sun-0200, any] }\n', '');
    const r = await run({ policy });
    expect(r.error).toBeUndefined();
    expect(byOutcome(r.outcomes)).toEqual({
      restarted: ['faulty', 'run'],
      skipped: ['resizing', 'rf'],
    });
    expect(reasonOf(r, 'rf')).toBe('status RESIZING FAILED is not one of RUNNING, FAULTY');
  });

  it('skips an instance in a status no one documented, says so once, and goes on', async () => {
    sim = await startSimulator({
      fleet: [
        ...staging(2),
        mk('odd', 'kafka-odd', 'HIBERNATING', optedIn),
        mk('odd2', 'kafka-odd2', 'HIBERNATING', optedIn),
      ],
      restartDelayMs: 60_000,
    });
    const r = await run({});
    expect(r.error).toBeUndefined();
    expect(byOutcome(r.outcomes)).toEqual({
      restarted: ['stg-000', 'stg-001'],
      skipped: ['odd', 'odd2'],
    });
    expect(reasonOf(r, 'odd')).toBe(
      'status "HIBERNATING" is not one DMS documents; it is never acted on',
    );
    expect(warnings(r)).toEqual([
      expect.objectContaining({ level: 'warn', status: 'HIBERNATING' }),
    ]);
    expect([...((warnings(r)[0]?.instances as string[] | undefined) ?? [])].sort()).toEqual([
      'odd',
      'odd2',
    ]);
    expect(batches(sim)).toEqual([['stg-000', 'stg-001']]);
  });

  it('never records a delete from a 404 that is not DMS saying the instance is gone', async () => {
    sim = await startSimulator({ fleet: [mk('f1', 'kafka-f1', 'CREATEFAILED')] });
    // The all_failure call never reaches DMS, and every read hits a wrong route.
    sim.inject({ route: 'instanceAction', kind: 'drop' });
    sim.inject({
      route: 'showInstance',
      kind: 'raw',
      status: 404,
      body: '{"error_code":"APIG.0101","error_msg":"The API does not exist or has not been published in the environment."}',
      times: Number.POSITIVE_INFINITY,
    });
    const r = await run({ policy: ALL_FAILURE_POLICY, event: {} });
    expect(sim.instance('f1')?.status).toBe('CREATEFAILED');
    expect(r.outcomes).toEqual([
      expect.objectContaining({
        instanceId: 'f1',
        outcome: 'failed',
        reason: expect.stringMatching(/its status could not be read: .*HTTP 404, APIG\.0101/),
      }),
    ]);
    expect(r.error?.message).toMatch(/1 of 1 instances failed/);
  });

  it('scrubs an instance name or status that carries a key before recording it', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.addInstance(mk('leaky', `kafka-${sim.ak}`, `SDK-HMAC-SHA256 Access=${sim.ak}`, optedIn));
    const r = await run({});
    expect(r.raw).not.toContain(sim.ak);
    expect(r.outcomes).toEqual([
      expect.objectContaining({ instanceName: 'kafka-[redacted]', outcome: 'skipped' }),
    ]);
  });

  it('reads back after a 524 on a restart instead of calling it failed', async () => {
    const t = movableClock();
    sim = await startSimulator({ fleet: staging(2), restartDelayMs: 60_000, fleetClock: t.now });
    sim.inject({ route: 'instanceAction', kind: 'raw', status: 524, body: '' });
    const r = await run({ clock: t.clock });
    expect(r.error).toBeUndefined();
    expect(batches(sim)).toEqual([
      ['stg-000', 'stg-001'],
      ['stg-000', 'stg-001'],
    ]);
    expect(byOutcome(r.outcomes)).toEqual({ restarted: ['stg-000', 'stg-001'] });
    expect(r.outcomes.every((o) => o.attempts === 2)).toBe(true);
  });
});

describe('a listing that proves itself', () => {
  it('sees every instance although the fleet changed while it was paged', async () => {
    const fleet = generateFleet({ size: 120, seed: 11 }).map((i) => ({
      ...i,
      status: 'RUNNING',
      tags: [
        { key: 'env', value: 'staging' },
        { key: 'restart-window', value: 'any' },
      ],
    }));
    sim = await startSimulator({ fleet, restartDelayMs: 60_000 });
    const newest = [...fleet].sort((a, b) => Number(b.created_at) - Number(a.created_at))[0];
    // After page one, its newest instance is deleted: page two shifts by one.
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 1,
      apply: () => sim.removeInstance(newest?.instance_id ?? ''),
    });
    const r = await run({
      policy: RESTART_POLICY.replace('maxInstances: 50', 'maxInstances: 200'),
    });
    expect(r.error).toBeUndefined();
    expect(r.result?.listed).toBe(119);
    expect(r.outcomes.filter((o) => o.outcome === 'restarted')).toHaveLength(119);
  });

  it('fails with no write when the fleet keeps changing under every listing', async () => {
    sim = await startSimulator({ fleet: staging(60) });
    let n = 0;
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      times: Number.POSITIVE_INFINITY,
      apply: () => {
        n++;
        if (n % 2 === 0) sim.addInstance(mk(`new-${n}`, `kafka-new-${n}`, 'RUNNING'));
      },
    });
    const r = await run({
      policy: RESTART_POLICY.replace('maxInstances: 50', 'maxInstances: 200'),
    });
    expect(writes(sim)).toHaveLength(0);
    expect(r.error?.message).toMatch(/^the fleet kept changing while it was listed: 3 listings/);
    expect(r.summaries).toEqual([
      expect.objectContaining({ complete: false, error: expect.stringMatching(/kept changing/) }),
    ]);
  });
});

describe('all_failure only when it deletes exactly what was recorded', () => {
  it('deletes by id while any instance is still CREATING, so one that fails meanwhile is kept', async () => {
    sim = await startSimulator({
      fleet: [
        mk('f1', 'kafka-f1', 'CREATEFAILED'),
        mk('c1', 'kafka-c1', 'CREATING', { 'maintenance-protect': 'true' }),
      ],
    });
    // The protected instance's creation fails right after the listing.
    sim.inject({
      route: 'showInstance',
      kind: 'mutate',
      apply: () => sim.setStatus('c1', 'CREATEFAILED'),
    });
    const r = await run({ policy: ALL_FAILURE_POLICY, event: {} });
    expect(writes(sim).map((q) => q.body)).toEqual([{ action: 'delete', instances: ['f1'] }]);
    expect(sim.instance('c1')?.status).toBe('CREATEFAILED');
    expect(r.result).toMatchObject({
      mode: 'by-id',
      modeReason: expect.stringMatching(/1 instance is CREATING in the listing/),
    });
  });

  it('deletes by id, and skips a failed instance protected after the listing', async () => {
    sim = await startSimulator({
      fleet: [mk('f1', 'kafka-f1', 'CREATEFAILED'), mk('f2', 'kafka-f2', 'CREATEFAILED')],
    });
    // Between the listing and the write, someone protects f2.
    sim.inject({
      route: 'showInstance',
      kind: 'mutate',
      apply: () => sim.setTags('f2', { 'maintenance-protect': 'true' }),
    });
    const r = await run({ policy: CLEANUP_POLICY, event: {} });
    expect(writes(sim).map((q) => q.body)).toEqual([{ action: 'delete', instances: ['f1'] }]);
    expect(sim.instance('f2')).toBeDefined();
    expect(r.result).toMatchObject({
      mode: 'by-id',
      modeReason: expect.stringMatching(/^the policy excludes by tag \(maintenance-protect\)/),
    });
    expect(reasonOf(r, 'f2')).toBe(
      'changed since the listing (tag maintenance-protect=true added): excluded by tag maintenance-protect=true',
    );
  });

  it('says which rule chose all_failure', async () => {
    sim = await startSimulator({ fleet: [mk('f1', 'kafka-f1', 'CREATEFAILED')] });
    const r = await run({ policy: ALL_FAILURE_POLICY, event: {} });
    expect(r.result).toMatchObject({
      mode: 'all_failure',
      modeReason: expect.stringMatching(/every failed instance is selected/),
    });
  });
});

describe('a fresh look before every write', () => {
  it('skips an instance protected after the listing, in a later batch', async () => {
    sim = await startSimulator({ fleet: staging(3), restartDelayMs: 60_000 });
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      // The listing is newest first: stg-002 and stg-001 go first, stg-000 after.
      apply: () => sim.setTags('stg-000', { ...optedIn, 'maintenance-protect': 'true' }),
    });
    const r = await run({ policy: RESTART_POLICY.replace('batchSize: 10', 'batchSize: 2') });
    expect(batches(sim)).toEqual([['stg-001', 'stg-002']]);
    expect(sim.instance('stg-000')?.status).toBe('RUNNING');
    expect(reasonOf(r, 'stg-000')).toBe(
      'changed since the listing (tag maintenance-protect=true added): excluded by tag maintenance-protect=true',
    );
  });

  it('skips an instance that went to ERROR after the listing under a RUNNING selector', async () => {
    sim = await startSimulator({ fleet: staging(2), restartDelayMs: 60_000 });
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => sim.setStatus('stg-000', 'ERROR'),
    });
    const r = await run({ policy: RESTART_POLICY.replace('batchSize: 10', 'batchSize: 1') });
    expect(batches(sim)).toEqual([['stg-001']]);
    expect(sim.instance('stg-000')?.status).toBe('ERROR');
    expect(reasonOf(r, 'stg-000')).toBe(
      'changed since the listing (status RUNNING -> ERROR): status ERROR is not one of RUNNING',
    );
  });

  it('never deletes an instance that turned RUNNING during a Retry-After wait', async () => {
    sim = await startSimulator({
      fleet: [
        mk('dev-f1', 'kafka-dev-f1', 'CREATEFAILED', { env: 'dev' }),
        mk('dev-f2', 'kafka-dev-f2', 'CREATEFAILED', { env: 'dev' }),
      ],
    });
    sim.inject({ route: 'instanceAction', kind: 'throttle', retryAfterSeconds: 2 });
    const clock = hookedClock(() => sim.setStatus('dev-f2', 'RUNNING'));
    const r = await run({ policy: DEV_CLEANUP_POLICY, event: {}, clock });
    expect(batches(sim)).toEqual([['dev-f1', 'dev-f2'], ['dev-f1']]);
    expect(sim.instance('dev-f2')?.status).toBe('RUNNING');
    expect(r.outcomes.find((o) => o.instanceId === 'dev-f2')).toMatchObject({
      outcome: 'skipped',
      reason:
        "changed since the listing (status CREATEFAILED -> RUNNING): it no longer matches the policy's selection",
    });
  });
});

describe('outcomes that cannot be lost', () => {
  it('rejects a run the deadline cut short, naming how many were not reached', async () => {
    sim = await startSimulator({ fleet: staging(8) });
    let remaining = 120_000;
    const context = fgContext(sim, () => {
      // The first restart call uses up the time.
      if (actions(sim).length > 0) remaining = 10_000;
      return remaining;
    });
    const r = await run({
      context,
      env: { DEADLINE_MARGIN_MS: '30000' },
      policy: RESTART_POLICY.replace('batchSize: 10', 'batchSize: 2'),
    });
    expect(r.error?.message).toBe(
      'policy restart: incomplete: 6 of 8 not reached before the deadline',
    );
    expect(r.summaries).toEqual([
      expect.objectContaining({ level: 'error', complete: false, notReached: 6, succeeded: 2 }),
    ]);
  });

  it('rejects, with a summary, a run whose deadline came before any write', async () => {
    sim = await startSimulator({ fleet: staging(3) });
    const context = fgContext(sim, () => 10_000);
    const r = await run({ context, env: { DEADLINE_MARGIN_MS: '30000' } });
    expect(writes(sim)).toHaveLength(0);
    expect(r.error?.message).toBe(
      'policy restart: incomplete: 3 of 3 not reached before the deadline',
    );
  });

  it('returns before its time is up although every list page is slow', async () => {
    sim = await startSimulator({ fleet: staging(120) });
    sim.inject({
      route: 'listInstances',
      kind: 'delay',
      ms: 1500,
      times: Number.POSITIVE_INFINITY,
    });
    const started = Date.now();
    const r = await run({ env: { RUN_TIMEOUT_MS: '2000', DMS_REQUEST_TIMEOUT_MS: '10000' } });
    const took = Date.now() - started;
    expect(took).toBeLessThan(2600);
    expect(r.error).toBeDefined();
    expect(writes(sim)).toHaveLength(0);
    expect(r.summaries).toEqual([expect.objectContaining({ complete: false })]);
  });

  it('returns before its time is up although the wave read hangs', async () => {
    sim = await startSimulator({ fleet: staging(1), restartDelayMs: 60_000 });
    // The re-checks before the mark and before the restart answer; every read after them hangs.
    sim.inject({ route: 'showInstance', kind: 'hang', after: 2, times: Number.POSITIVE_INFINITY });
    const policy = `${RESTART_POLICY}    waitForRunning: { pollSeconds: 1, timeoutSeconds: 60 }\n`;
    const started = Date.now();
    const r = await run({
      policy,
      env: { RUN_TIMEOUT_MS: '3000', DMS_REQUEST_TIMEOUT_MS: '10000' },
    });
    expect(Date.now() - started).toBeLessThan(3600);
    expect(actions(sim)).toHaveLength(1);
    expect(r.outcomes).toEqual([
      expect.objectContaining({
        outcome: 'restarted',
        reason: 'restart accepted; RUNNING not confirmed before the deadline',
      }),
    ]);
    expect(r.summaries).toHaveLength(1);
  });

  it('writes an action line before every write call, naming the instances and the attempt', async () => {
    sim = await startSimulator({ fleet: staging(3), restartDelayMs: 60_000 });
    sim.inject({ route: 'instanceAction', kind: 'throttle' });
    const r = await run({ policy: RESTART_POLICY.replace('batchSize: 10', 'batchSize: 2') });
    const restarts = r.lines.filter(
      (l) => l.kind === 'action' && l.operation === 'RestartInstances',
    );
    expect(restarts).toEqual([
      expect.objectContaining({
        operation: 'RestartInstances',
        attempt: 1,
        instances: [
          { id: 'stg-002', name: 'kafka-stg-2' },
          { id: 'stg-001', name: 'kafka-stg-1' },
        ],
      }),
      expect.objectContaining({ operation: 'RestartInstances', attempt: 2 }),
      expect.objectContaining({
        attempt: 1,
        instances: [{ id: 'stg-000', name: 'kafka-stg-0' }],
      }),
    ]);
    // Every write, the campaign's mark included, has its line.
    expect(r.lines.filter((l) => l.kind === 'action')).toHaveLength(writes(sim).length);
    // Each wave's outcomes come right after its calls, before the next wave's first line.
    const kinds = r.lines
      .filter((l) => l.kind === 'action' || l.kind === 'outcome')
      .map((l) => (l.kind === 'action' ? String(l.operation) : 'outcome'));
    expect(kinds).toEqual([
      'MarkRestarted',
      'MarkRestarted',
      'RestartInstances',
      'RestartInstances',
      'outcome',
      'outcome',
      'MarkRestarted',
      'RestartInstances',
      'outcome',
    ]);
  });

  it('stops the waves after a wave whose restart cannot be confirmed', async () => {
    sim = await startSimulator({ fleet: staging(4), restartDelayMs: 60_000 });
    // Wave one's restart never reaches DMS, and every read after its re-checks (two
    // instances, after the mark and before the restart) fails.
    sim.inject({ route: 'instanceAction', kind: 'drop' });
    sim.inject({
      route: 'showInstance',
      kind: 'status',
      status: 500,
      after: 2,
      times: Number.POSITIVE_INFINITY,
    });
    const policy = RESTART_POLICY.replace('batchSize: 10', 'batchSize: 2').concat(
      '    waitForRunning: { pollSeconds: 1, timeoutSeconds: 60 }\n',
    );
    const r = await run({ policy, env: { DMS_RETRY_ATTEMPTS: '2' } });
    expect(actions(sim)).toHaveLength(1);
    expect(byOutcome(r.outcomes)).toEqual({
      failed: ['stg-002', 'stg-003'],
      skipped: ['stg-000', 'stg-001'],
    });
    expect(reasonOf(r, 'stg-000')).toBe('not started: an earlier wave was not confirmed RUNNING');
  });

  it('counts every send of an all_failure cleanup, the resend after a 429 included', async () => {
    sim = await startSimulator({
      fleet: [mk('f1', 'kafka-f1', 'CREATEFAILED'), mk('f2', 'kafka-f2', 'CREATEFAILED')],
      deleteDelayMs: 60_000,
    });
    sim.inject({ route: 'instanceAction', kind: 'throttle' });
    const r = await run({ policy: ALL_FAILURE_POLICY, event: {} });
    // The resend goes by id: all_failure is never sent twice.
    expect(writes(sim).map((q) => q.body)).toEqual([
      { action: 'delete', all_failure: 'kafka' },
      { action: 'delete', instances: expect.arrayContaining(['f1', 'f2']) },
    ]);
    expect(r.outcomes.map((o) => [o.outcome, o.attempts])).toEqual([
      ['deleted', 2],
      ['deleted', 2],
    ]);
  });

  it('falls back to RUN_TIMEOUT_MS, with a warning, when the remaining time is not a number', async () => {
    sim = await startSimulator({ fleet: staging(1), restartDelayMs: 60_000 });
    const policy = `${RESTART_POLICY}    waitForRunning: { pollSeconds: 1, timeoutSeconds: 60 }\n`;
    const started = Date.now();
    const r = await run({
      policy,
      context: fgContext(sim, () => Number.NaN),
      env: { RUN_TIMEOUT_MS: '2500' },
    });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(warnings(r)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/not a number .*RUN_TIMEOUT_MS 2500/),
      }),
    ]);
    // One re-check, then a poll a second until the fallback deadline: a handful, not thousands.
    expect(sim.requests.filter((q) => q.route === 'showInstance').length).toBeLessThan(6);
  });

  it('turns an answer that names an instance twice, or one never sent, into one warning', async () => {
    sim = await startSimulator({ fleet: [mk('f1', 'kafka-f1', 'CREATEFAILED')] });
    sim.inject({
      route: 'instanceAction',
      kind: 'raw',
      status: 200,
      body: JSON.stringify({
        results: [
          { result: 'success', instance: 'f1' },
          { result: 'failed', instance: 'f1' },
          { result: 'success', instance: 'ghost' },
        ],
      }),
    });
    const r = await run({ policy: CLEANUP_POLICY, event: {} });
    expect(r.outcomes.map((o) => [o.instanceId, o.outcome])).toEqual([['f1', 'deleted']]);
    expect(warnings(r)).toEqual([
      expect.objectContaining({ duplicated: ['f1'], notSent: ['ghost'] }),
    ]);
    const s = r.result;
    expect(s).toMatchObject({ matched: 1, succeeded: 1, failed: 0, skipped: 0 });
  });
});
