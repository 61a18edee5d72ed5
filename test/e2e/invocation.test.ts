import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { CLEANUP_POLICY, mk, RESTART_POLICY, staging } from '../support/fleet';
import { runHandler, simEnv, writePolicyFile, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const TWO_POLICIES = `${RESTART_POLICY}  cleanup:
    action: cleanup-failed
`;

function fgContext(sim: Simulator, requestId = 'fg-req-1') {
  return {
    getRequestID: () => requestId,
    getRemainingTimeInMilliSeconds: () => 600_000,
    getSecurityAccessKey: () => sim.ak,
    getSecuritySecretKey: () => sim.sk,
    getSecurityToken: () => '',
  };
}

describe('invocation forms', () => {
  it('runs the policy a FunctionGraph timer names, with the context credentials', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    const run = await runHandler(sim, {
      policy: TWO_POLICIES,
      event: { version: 'v1.0', trigger_type: 'TIMER', trigger_name: 't', user_event: 'restart' },
      context: fgContext(sim),
      // No keys in the environment: they must come from the context.
      env: { HUAWEICLOUD_SDK_AK: undefined, HUAWEICLOUD_SDK_SK: undefined },
    });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ policy: 'restart', invocationId: 'fg-req-1', succeeded: 2 });
    expect(sim.requests.every((r) => r.signatureValid)).toBe(true);
  });

  it('rejects, with one error line and no call, when reading the platform context throws', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    const broken = {
      ...fgContext(sim),
      getSecurityAccessKey: (): string => {
        throw new Error('context gone');
      },
    };
    const run = await runHandler(sim, { policy: RESTART_POLICY, context: broken });
    expect(run.error?.message).toBe('context gone');
    expect(run.lines).toEqual([
      expect.objectContaining({
        kind: 'error',
        errorType: 'UnexpectedError',
        message: 'Error: context gone',
      }),
    ]);
    expect(sim.requests).toEqual([]);
  });

  it('reads the credentials from the context on every invocation', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    const stale = { ...fgContext(sim), getSecuritySecretKey: () => 'rotated-away' };
    const env = { HUAWEICLOUD_SDK_AK: undefined, HUAWEICLOUD_SDK_SK: undefined, DRY_RUN: 'true' };
    const bad = await runHandler(sim, { policy: RESTART_POLICY, context: stale, env });
    expect(bad.error?.message).toMatch(/HTTP 401/);
    const good = await runHandler(sim, { policy: RESTART_POLICY, context: fgContext(sim), env });
    expect(good.error).toBeUndefined();
  });

  it('runs the policy in an EventBridge constant input, with the Lambda request id', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    const run = await runHandler(sim, {
      policy: TWO_POLICIES,
      event: { policy: 'restart' },
      context: { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 600_000 },
    });
    expect(run.result).toMatchObject({ policy: 'restart', invocationId: 'aws-1' });
  });

  it('runs the policy in a scheduled event detail', async () => {
    sim = await startSimulator({ fleet: [mk('f', 'kafka-f', 'CREATEFAILED')] });
    const run = await runHandler(sim, {
      policy: TWO_POLICIES,
      event: {
        version: '0',
        id: 'x',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        time: '2026-11-29T02:00:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { policy: 'cleanup' },
      },
      context: { awsRequestId: 'aws-2', getRemainingTimeInMillis: () => 600_000 },
    });
    expect(run.result).toMatchObject({ policy: 'cleanup', dryRun: true, matched: 1 });
  });

  it('runs the only policy when the event names none', async () => {
    sim = await startSimulator({ fleet: [mk('f', 'kafka-f', 'CREATEFAILED')] });
    const run = await runHandler(sim, { policy: CLEANUP_POLICY, event: {} });
    expect(run.result?.policy).toBe('cleanup');
  });

  it('refuses an event without a policy when there are several, naming them, with no call', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    const run = await runHandler(sim, {
      policy: TWO_POLICIES,
      event: { 'detail-type': 'Scheduled Event' },
    });
    expect(run.error?.message).toMatch(
      /event\.policy: the event names no policy and the file has 2: restart, cleanup/,
    );
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses an unknown policy name and lists the known ones, with no call', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    const run = await runHandler(sim, { policy: TWO_POLICIES, event: 'nightly' });
    expect(run.error?.message).toMatch(/unknown policy "nightly"; known: restart, cleanup/);
    expect(sim.requests).toHaveLength(0);
    expect(run.lines).toContainEqual(
      expect.objectContaining({ kind: 'error', errorType: 'ConfigError' }),
    );
  });

  it('refuses a misspelt dryRun in a direct event with no call at all, instead of restarting live', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    const run = await runHandler(sim, {
      policy: RESTART_POLICY,
      event: JSON.parse('{"policy":"restart","dryrun":true}'),
    });
    expect(run.error?.name).toBe('ConfigError');
    expect(run.error?.message).toMatch(/\n {2}event\.dryrun: unknown key; did you mean dryRun\?/);
    expect(sim.requests).toHaveLength(0);
    expect(writes(sim)).toHaveLength(0);
    expect(run.summaries).toHaveLength(0);
  });

  it('refuses a misspelt dryRun in a timer user_event with no call at all', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    const run = await runHandler(sim, {
      policy: RESTART_POLICY,
      event: {
        version: 'v2.0',
        trigger_type: 'TIMER',
        trigger_name: 't',
        user_event: '{"policy":"restart","dry_run":true}',
      },
      context: fgContext(sim),
    });
    expect(run.error?.message).toMatch(/event\.user_event\.dry_run: unknown key/);
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses DRY_RUN=yes instead of guessing, with no call', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    const run = await runHandler(sim, { policy: RESTART_POLICY, env: { DRY_RUN: 'yes' } });
    expect(run.error?.message).toMatch(/env\.DRY_RUN: must be true or false/);
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses a missing policy file with its path, with no call', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    const run = await runHandler(sim, { policyFile: '/nonexistent/policies.yaml' });
    expect(run.error?.message).toMatch(
      /in \/nonexistent\/policies\.yaml:\n {2}\(file\): cannot read the policy file \(ENOENT\)/,
    );
    expect(sim.requests).toHaveLength(0);
  });

  it('serves the same runs from the bundled dist/index.js', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    const { createHandler } = require('../../dist/index.js');
    const lines: string[] = [];
    const handler = createHandler({
      destination: { write: (s: string) => lines.push(s) },
      env: { ...simEnv(sim), POLICY_FILE: writePolicyFile(RESTART_POLICY), DRY_RUN: 'true' },
    });
    const summary = await handler({ policy: 'restart' }, undefined);
    expect(summary).toMatchObject({ kind: 'summary', succeeded: 2, dryRun: true });
    expect(lines.map((l) => JSON.parse(l).kind)).toEqual(['outcome', 'outcome', 'summary']);
  });

  it('names its errors in the bundled dist/index.js as from source', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    const { createHandler } = require('../../dist/index.js');
    const lines: string[] = [];
    const handler = createHandler({
      destination: { write: (s: string) => lines.push(s) },
      env: { ...simEnv(sim), POLICY_FILE: writePolicyFile(TWO_POLICIES) },
    });
    const e = await handler({ policy: 'nightly' }, undefined).catch((x: Error) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConfigError');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ kind: 'error', errorType: 'ConfigError' });
    // A failed call: the client's own error, through the bundled SDK core.
    const failing = createHandler({
      destination: { write: () => {} },
      env: {
        ...simEnv(sim, { HUAWEICLOUD_SDK_SK: 'wrong' }),
        POLICY_FILE: writePolicyFile(RESTART_POLICY),
      },
    });
    const f = await failing({ policy: 'restart' }, undefined).catch((x: Error) => x);
    expect(f.name).toBe('DmsApiError');
  });
});
