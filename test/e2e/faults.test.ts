import { afterEach, describe, expect, it } from 'vitest';
import { generateFleet, type Simulator, startSimulator } from '../../simulator';
import {
  ALL_FAILURE_POLICY,
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
let runs: RunOutcome[] = [];
afterEach(async () => {
  // Whatever happened, no credential may have reached the output.
  for (const run of runs) {
    for (const secret of [sim.ak, sim.sk, 'SDK-HMAC-SHA256', 'Signature=']) {
      expect(run.raw).not.toContain(secret);
    }
  }
  runs = [];
  await sim?.stop();
});

async function run(opts: Parameters<typeof runHandler>[1]): Promise<RunOutcome> {
  const r = await runHandler(sim, {
    event: { policy: 'restart' },
    policy: RESTART_POLICY,
    ...opts,
  });
  runs.push(r);
  return r;
}

const ids = (r: { body: unknown }) => (r.body as { instances?: string[] }).instances ?? [];
const retries = (r: RunOutcome) => r.lines.filter((l) => l.kind === 'retry');

describe('fault suite: reads', () => {
  it('rides out a burst of 429s on the listing', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    sim.inject({ route: 'listInstances', kind: 'throttle', times: 3 });
    const r = await run({});
    expect(r.error).toBeUndefined();
    expect(sim.requests.filter((q) => q.route === 'listInstances').map((q) => q.status)).toEqual([
      429, 429, 429, 200,
    ]);
    expect(retries(r).map((l) => l.reason)).toEqual(['throttled', 'throttled', 'throttled']);
    expect(r.result?.succeeded).toBe(2);
  });

  for (const status of [500, 502, 504] as const) {
    it(`retries a ${status} on the listing and then succeeds`, async () => {
      sim = await startSimulator({ fleet: staging(2) });
      sim.inject({ route: 'listInstances', kind: 'status', status });
      const r = await run({});
      expect(r.error).toBeUndefined();
      expect(retries(r)).toEqual([
        expect.objectContaining({ reason: 'server', httpStatus: status }),
      ]);
      expect(actions(sim)).toHaveLength(1);
    });
  }

  it('gives up on a hung listing call at the request timeout, then retries', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    sim.inject({ route: 'listInstances', kind: 'hang' });
    const r = await run({ env: { DMS_REQUEST_TIMEOUT_MS: '300' } });
    expect(r.error).toBeUndefined();
    expect(retries(r)).toEqual([expect.objectContaining({ reason: 'timeout' })]);
  });

  it('retries a connection dropped in the middle of the body', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    sim.inject({ route: 'listInstances', kind: 'drop-mid-body' });
    const r = await run({});
    expect(r.error).toBeUndefined();
    expect(retries(r)).toEqual([expect.objectContaining({ reason: 'network' })]);
  });

  it('stops with no write when a list page is malformed JSON', async () => {
    sim = await startSimulator({ fleet: staging(120) });
    sim.inject({ route: 'listInstances', kind: 'malformed-json', after: 1 });
    const r = await run({
      policy: RESTART_POLICY.replace('maxInstances: 50', 'maxInstances: 500'),
    });
    expect(writes(sim)).toHaveLength(0);
    expect(r.error?.message).toMatch(
      /ListInstances failed: HTTP 200, the response body is not valid JSON/,
    );
    expect(r.summaries).toEqual([
      expect.objectContaining({ error: expect.stringMatching(/not valid JSON/), succeeded: 0 }),
    ]);
  });

  it('stops with no write on a 200 listing of instances without instance_num', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    // An empty page may leave instance_num out (an empty listing); one with instances may not.
    sim.inject({
      route: 'listInstances',
      kind: 'raw',
      status: 200,
      body: '{"instances":[{"instance_id":"stg-000","name":"kafka-stg-0","status":"RUNNING"}]}',
    });
    const r = await run({});
    expect(writes(sim)).toHaveLength(0);
    expect(r.error?.message).toMatch(/instance_num/);
  });
});

describe('fault suite: writes', () => {
  it('resends a restart refused with 429 until it is accepted', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    sim.inject({ route: 'instanceAction', kind: 'throttle', times: 2 });
    const r = await run({});
    expect(actions(sim).map((q) => q.status)).toEqual([429, 429, 200]);
    expect(byOutcome(r.outcomes)).toEqual({ restarted: ['stg-000', 'stg-001'] });
    expect(r.outcomes.every((o) => o.attempts === 3)).toBe(true);
  });

  it('records a clean failure and the summary when 429s outlast the retry budget', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    sim.inject({ route: 'instanceAction', kind: 'throttle', times: Number.POSITIVE_INFINITY });
    const r = await run({ env: { DMS_RETRY_ATTEMPTS: '3' } });
    expect(actions(sim)).toHaveLength(3);
    expect(r.outcomes.map((o) => [o.outcome, o.errorCode])).toEqual([
      ['failed', 'APIG.0308'],
      ['failed', 'APIG.0308'],
    ]);
    expect(r.summaries).toEqual([expect.objectContaining({ failed: 2, succeeded: 0 })]);
    expect(r.error?.message).toBe(
      'policy restart: 2 of 2 instances failed (0 succeeded, 0 skipped)',
    );
  });

  it('waits out Retry-After before resending a throttled restart', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    sim.inject({ route: 'instanceAction', kind: 'throttle', retryAfterSeconds: 3 });
    const slept: number[] = [];
    const clock = {
      now: () => Date.now(),
      sleep: async (ms: number) => {
        slept.push(ms);
      },
    };
    const r = await run({ clock });
    expect(slept).toEqual([3000]);
    expect(retries(r)).toEqual([
      expect.objectContaining({ reason: 'throttled', retryAfterMs: 3000 }),
    ]);
    expect(r.outcomes[0]).toMatchObject({ outcome: 'restarted', attempts: 2 });
  });

  it('reads status back after a restart call that hung past the timeout', async () => {
    const t = movableClock();
    sim = await startSimulator({ fleet: staging(2), restartDelayMs: 60_000, fleetClock: t.now });
    sim.inject({ route: 'instanceAction', kind: 'hang' });
    const r = await run({ env: { DMS_REQUEST_TIMEOUT_MS: '300' }, clock: t.clock });
    // The hung call was never applied: the read-backs find RUNNING through the
    // whole onset of a restart, and only then is it sent again.
    expect(batches(sim)).toEqual([
      ['stg-000', 'stg-001'],
      ['stg-000', 'stg-001'],
    ]);
    expect(byOutcome(r.outcomes)).toEqual({ restarted: ['stg-000', 'stg-001'] });
  });

  it('fails, never guesses, when a status read-back is impossible', async () => {
    sim = await startSimulator({ fleet: [mk('f1', 'k1', 'CREATEFAILED', { env: 'dev' })] });
    sim.inject({
      route: 'showInstance',
      kind: 'status',
      status: 500,
      times: Number.POSITIVE_INFINITY,
    });
    const r = await run({
      policy: DEV_CLEANUP_POLICY,
      event: {},
      env: { DMS_RETRY_ATTEMPTS: '2' },
    });
    expect(writes(sim)).toHaveLength(0);
    expect(r.outcomes).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        reason: expect.stringMatching(
          /^not sent: the instance could not be re-checked before the delete: ShowInstance failed: HTTP 500/,
        ),
      }),
    ]);
    expect(r.error?.message).toMatch(/1 of 1 instances failed/);
  });

  it('resends after DMS.00400026 (another operation in progress)', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    sim.inject({ route: 'instanceAction', kind: 'busy' });
    const r = await run({});
    expect(actions(sim).map((q) => q.status)).toEqual([400, 200]);
    expect(r.outcomes[0]).toMatchObject({ outcome: 'restarted', attempts: 2 });
  });

  for (const status of [500, 502, 504] as const) {
    it(`reads status back after a ${status} on restart and resends only what did not restart`, async () => {
      const t = movableClock();
      sim = await startSimulator({ fleet: staging(2), restartDelayMs: 60_000, fleetClock: t.now });
      sim.inject({ route: 'instanceAction', kind: 'status', status });
      const r = await run({ clock: t.clock });
      expect(batches(sim)).toEqual([
        ['stg-000', 'stg-001'],
        ['stg-000', 'stg-001'],
      ]);
      // Re-checks after the marks, before the first call; then read-backs after it, at
      // once and through the restart's onset (2, 4, 8, 16 s, then every 30 s to 120 s).
      expect(sim.requests.filter((q) => q.route === 'showInstance')).toHaveLength(2 + 2 * 8);
      expect(byOutcome(r.outcomes)).toEqual({ restarted: ['stg-000', 'stg-001'] });
      expect(r.error).toBeUndefined();
    });
  }

  it('never restarts twice when the answer to an accepted restart is lost', async () => {
    sim = await startSimulator({ fleet: staging(3), restartDelayMs: 60_000 });
    sim.inject({ route: 'instanceAction', kind: 'lost-response' });
    const r = await run({});
    expect(actions(sim)).toHaveLength(1);
    expect(byOutcome(r.outcomes)).toEqual({ restarted: ['stg-000', 'stg-001', 'stg-002'] });
    expect(r.outcomes[0]?.reason).toMatch(
      /^confirmed by status RESTARTING after: RestartInstances failed: network/,
    );
    expect(r.error).toBeUndefined();
  });

  it('retries the failed ids of a mixed answer once, and records the attempts', async () => {
    sim = await startSimulator({ fleet: staging(3) });
    sim.inject({ route: 'instanceAction', kind: 'results', failIds: ['stg-002'] });
    const r = await run({});
    expect(batches(sim)).toEqual([['stg-000', 'stg-001', 'stg-002'], ['stg-002']]);
    expect(r.outcomes.find((o) => o.instanceId === 'stg-002')).toMatchObject({
      outcome: 'restarted',
      attempts: 2,
    });
    expect(r.outcomes.find((o) => o.instanceId === 'stg-000')).toMatchObject({
      outcome: 'restarted',
      attempts: 1,
    });
  });

  it('does not retry a failed id that is no longer eligible', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    sim.inject({ route: 'instanceAction', kind: 'results', failIds: ['stg-001'] });
    sim.inject({
      route: 'showInstance',
      kind: 'raw',
      status: 200,
      body: JSON.stringify(mk('stg-001', 'kafka-stg-1', 'FROZEN')),
      // After the re-checks before the first call: this is the read-back.
      after: 2,
    });
    const r = await run({});
    expect(actions(sim)).toHaveLength(1);
    expect(r.outcomes.find((o) => o.instanceId === 'stg-001')).toMatchObject({
      outcome: 'failed',
      reason: 'DMS answered failed; status now FROZEN',
    });
  });

  it('reads back an instance missing from the answer, and resends it only if it did not restart', async () => {
    const t = movableClock();
    sim = await startSimulator({ fleet: staging(3), restartDelayMs: 60_000, fleetClock: t.now });
    sim.inject({ route: 'instanceAction', kind: 'results', omitIds: ['stg-001'] });
    const r = await run({ clock: t.clock });
    expect(batches(sim)).toEqual([['stg-000', 'stg-001', 'stg-002'], ['stg-001']]);
    expect(r.outcomes.find((o) => o.instanceId === 'stg-001')).toMatchObject({
      outcome: 'restarted',
      attempts: 2,
    });
    expect(r.error).toBeUndefined();
  });

  it('never resends an instance missing from the answer that did restart', async () => {
    sim = await startSimulator({ fleet: staging(2), restartDelayMs: 60_000 });
    // DMS restarts both but leaves one out of its answer.
    sim.inject({ route: 'instanceAction', kind: 'results', omitAppliedIds: ['stg-001'] });
    const r = await run({});
    expect(actions(sim)).toHaveLength(1);
    expect(r.outcomes.find((o) => o.instanceId === 'stg-001')).toMatchObject({
      outcome: 'restarted',
      reason: 'confirmed by status RESTARTING after: DMS gave no result for this instance',
    });
  });

  it('confirms an all_failure whose answer was lost by status, without a second all_failure', async () => {
    sim = await startSimulator({
      fleet: [mk('f1', 'k1', 'CREATEFAILED'), mk('f2', 'k2', 'CREATEFAILED')],
      deleteDelayMs: 60_000,
    });
    sim.inject({ route: 'instanceAction', kind: 'lost-response' });
    const r = await run({ policy: ALL_FAILURE_POLICY, event: {} });
    expect(actions(sim)).toHaveLength(1);
    expect(byOutcome(r.outcomes)).toEqual({ deleted: ['f1', 'f2'] });
  });

  it('deletes by id after an all_failure that failed before reaching DMS', async () => {
    sim = await startSimulator({ fleet: [mk('f1', 'k1', 'CREATEFAILED')] });
    sim.inject({ route: 'instanceAction', kind: 'drop' });
    // An instance whose creation fails after our listing must not be caught by a resend.
    const r = await run({ policy: ALL_FAILURE_POLICY, event: {} });
    expect(actions(sim).map((q) => q.body)).toEqual([
      { action: 'delete', all_failure: 'kafka' },
      { action: 'delete', instances: ['f1'] },
    ]);
    expect(byOutcome(r.outcomes)).toEqual({ deleted: ['f1'] });
  });
});

describe('fault suite: time and rate', () => {
  it('stops starting writes at the deadline and records the rest as skipped', async () => {
    sim = await startSimulator({ fleet: staging(25) });
    let remaining = 120_000;
    const context = {
      getRequestID: () => 'fg-deadline',
      getRemainingTimeInMilliSeconds: () => {
        // The first batch uses up the time.
        if (actions(sim).length > 0) remaining = 10_000;
        return remaining;
      },
      getSecurityAccessKey: () => sim.ak,
      getSecuritySecretKey: () => sim.sk,
      getSecurityToken: () => '',
    };
    const r = await run({ context, env: { DEADLINE_MARGIN_MS: '30000' } });
    expect(actions(sim)).toHaveLength(1);
    expect(r.outcomes.filter((o) => o.outcome === 'restarted')).toHaveLength(10);
    const skipped = r.outcomes.filter((o) => o.outcome === 'skipped');
    expect(skipped).toHaveLength(15);
    expect(skipped.every((o) => o.reason === 'deadline')).toBe(true);
    expect(r.summaries).toEqual([
      expect.objectContaining({ succeeded: 10, skipped: 15, failed: 0 }),
    ]);
  });

  it('gets through a 100-instance fleet under a 5 requests/second rate limit', async () => {
    const fleet = generateFleet({ size: 100, seed: 3 });
    sim = await startSimulator({ fleet, restartDelayMs: 600_000 });
    sim.setRateLimit(5);
    const policy = `version: 1
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    batchSize: 10
    maxInstances: 500
`;
    const r = await run({
      policy,
      env: { DMS_RETRY_ATTEMPTS: '10', DMS_RETRY_BASE_MS: '250', DMS_RETRY_MAX_MS: '3000' },
    });
    const expected = fleet
      .filter(
        (i) =>
          i.status === 'RUNNING' && i.tags.some((t) => t.key === 'env' && t.value === 'staging'),
      )
      .map((i) => i.instance_id)
      .sort();
    expect(expected.length).toBeGreaterThan(20);
    expect(r.error).toBeUndefined();
    expect(sim.requests.some((q) => q.status === 429)).toBe(true);
    const accepted = actions(sim)
      .filter((q) => q.status === 200)
      .flatMap(ids);
    expect(accepted.sort()).toEqual(expected);
    expect(r.result?.listed).toBe(fleet.filter((i) => i.status !== 'CREATEFAILED').length);
  }, 60_000);
});
