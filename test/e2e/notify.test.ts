import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { RESTART_POLICY, staging } from '../support/fleet';
import { actions, type RunOptions, type RunOutcome, runHandler, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const TOKEN = 'e2e-notify-token-7f3e';
const topic = () => `urn:smn:cn-north-4:${sim.projectId}:ops-alerts`;

/** The simulator serves SMN too: the same signing, keys and project. */
function notifyEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMN_TOPIC_URN: topic(),
    SMN_ENDPOINT: sim.endpoint,
    HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN,
    DMS_RETRY_ATTEMPTS: '3',
    ...extra,
  };
}

async function run(opts: RunOptions = {}): Promise<RunOutcome> {
  return runHandler(sim, {
    event: { policy: 'restart' },
    policy: RESTART_POLICY,
    ...opts,
    env: { ...notifyEnv(), ...opts.env },
  });
}

const publishCalls = () => sim.requests.filter((r) => r.route === 'publish');
const notifyLines = (r: RunOutcome) => r.lines.filter((l) => l.kind === 'notify');

function expectNoSecret(texts: string[]): void {
  for (const text of texts) {
    for (const secret of [sim.ak, sim.sk, TOKEN, 'SDK-HMAC-SHA256', 'Signature=']) {
      expect(text).not.toContain(secret);
    }
    expect(text.toLowerCase()).not.toContain('x-security-token');
  }
}

/** The summary without what differs between two runs of the same thing. */
function stable(s: RunOutcome['summaries'][number] | undefined) {
  if (!s) return undefined;
  // What differs from run to run by design: its time, its id, its own mark key.
  const {
    durationMs: _d,
    invocationId: _i,
    markKey: _k,
    time: _t,
    ...rest
  } = s as typeof s & { time?: string };
  return rest;
}

/** A port on loopback that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('failure notifications (SMN)', () => {
  it('publishes exactly one scrubbed message for a failed run', async () => {
    sim = await startSimulator({ fleet: staging(2), securityToken: TOKEN });
    // Both restarts fail with an error that echoes the signed request headers.
    sim.inject({ route: 'instanceAction', kind: 'echo-headers', status: 403, shape: 'dms' });
    const r = await run();

    expect(r.error?.message).toBe(
      'policy restart: 2 of 2 instances failed (0 succeeded, 0 skipped)',
    );
    expect(publishCalls()).toHaveLength(1);
    expect(publishCalls()[0]).toMatchObject({ signatureValid: true, status: 200 });
    expect(publishCalls()[0]?.path).toBe(
      `/v2/${sim.projectId}/notifications/topics/${topic()}/publish`,
    );
    expect(sim.published).toHaveLength(1);
    const [msg] = sim.published;
    expect(msg?.topicUrn).toBe(topic());
    expect(msg?.subject).toBe(
      'dms-kafka-maintenance: policy restart: 2 of 2 instances failed (0 succeeded, 0 skipped)',
    );
    expect(msg?.message).toContain('Policy: restart (restart, live)');
    expect(msg?.message).toContain('failed 2');
    expect(msg?.message).toContain('Failed (2):');
    for (const o of r.outcomes) {
      expect(msg?.message).toContain(`- ${o.instanceName} (id ${o.instanceId}, status RUNNING): `);
    }
    expect(msg?.message).toContain('[redacted]');
    expect(msg?.message).toContain(`invocation id ${r.summaries[0]?.invocationId}`);
    expectNoSecret([msg?.subject ?? '', msg?.message ?? '', r.raw, r.error?.message ?? '']);
    expect(notifyLines(r)).toEqual([
      expect.objectContaining({ level: 'info', topicUrn: topic(), sent: true }),
    ]);
    expect(notifyLines(r)[0]?.messageId).toBe(msg?.messageId);
  });

  it('publishes nothing for a clean run', async () => {
    sim = await startSimulator({ fleet: staging(3), securityToken: TOKEN });
    const r = await run();
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ succeeded: 3, failed: 0, complete: true });
    expect(publishCalls()).toHaveLength(0);
    expect(sim.published).toEqual([]);
    expect(notifyLines(r)).toEqual([]);
  });

  it('publishes one message for a refused run (maxInstances)', async () => {
    sim = await startSimulator({ fleet: staging(3), securityToken: TOKEN });
    const r = await run({ policy: RESTART_POLICY.replace('maxInstances: 50', 'maxInstances: 2') });
    expect(r.error?.message).toMatch(/^policy restart: refused, 3 instances/);
    expect(writes(sim).filter((w) => w.route === 'instanceAction')).toHaveLength(0);
    expect(sim.published).toHaveLength(1);
    expect(sim.published[0]?.message).toContain('Refused (3):');
    expect(sim.published[0]?.message).toContain('refused yes');
    expect(sim.published[0]?.message).toContain('more than maxInstances 2');
  });

  it('publishes one message for a run the deadline cut short', async () => {
    sim = await startSimulator({ fleet: staging(25), securityToken: TOKEN });
    let remaining = 120_000;
    const context = {
      getRequestID: () => 'fg-deadline',
      getRemainingTimeInMilliSeconds: () => {
        // The first batch uses up the time for writes, not for the message.
        if (actions(sim).length > 0) remaining = 10_000;
        return remaining;
      },
      getSecurityAccessKey: () => sim.ak,
      getSecuritySecretKey: () => sim.sk,
      getSecurityToken: () => TOKEN,
    };
    const r = await run({ context, env: { DEADLINE_MARGIN_MS: '30000' } });
    expect(r.error?.message).toBe(
      'policy restart: incomplete: 15 of 25 not reached before the deadline',
    );
    expect(sim.published).toHaveLength(1);
    const message = sim.published[0]?.message ?? '';
    expect(message).toContain('Not reached before the deadline (15):');
    expect(message).toContain('not reached 15');
    expect(message).toContain('Invocation: fg-deadline (functiongraph)');
    expect(message).toMatch(/in the function's log group in LTS.*invocation id fg-deadline\.$/);
  });

  it('publishes one message for a run stopped by an error, and for a bad event', async () => {
    sim = await startSimulator({ fleet: staging(2), securityToken: TOKEN });
    sim.inject({ route: 'listInstances', kind: 'status', status: 500, times: Infinity });
    const stopped = await run();
    expect(stopped.error?.message).toMatch(/^ListInstances failed: HTTP 500/);
    expect(sim.published).toHaveLength(1);
    expect(sim.published[0]?.subject).toMatch(
      /^dms-kafka-maintenance: policy restart: stopped: ListInstances failed: HTTP 500/,
    );

    const bad = await run({ event: { policy: 'restart', dryrun: true } });
    expect(bad.error?.message).toMatch(/event\.dryrun: unknown key/);
    expect(sim.published).toHaveLength(2);
    expect(sim.published[1]?.subject).toBe('dms-kafka-maintenance: invalid configuration');
    expect(sim.published[1]?.message).toContain('before a run started; no instance was touched');
    expect(sim.published[1]?.message).toContain('event.dryrun: unknown key');
  });

  it('cannot tell anyone when the environment itself is unreadable', async () => {
    sim = await startSimulator({ fleet: staging(1), securityToken: TOKEN });
    const r = await run({ env: { DRY_RUN: 'yes' } });
    expect(r.error?.message).toMatch(/env\.DRY_RUN/);
    expect(publishCalls()).toHaveLength(0);
  });

  it('retries a throttled publish like a read, and still publishes once', async () => {
    sim = await startSimulator({ fleet: staging(2), securityToken: TOKEN });
    sim.inject({ route: 'instanceAction', kind: 'results', failIds: ['stg-000'], times: 2 });
    sim.inject({ route: 'publish', kind: 'throttle', times: 2 });
    const r = await run();
    expect(r.error?.message).toBe(
      'policy restart: 1 of 2 instances failed (1 succeeded, 0 skipped)',
    );
    expect(publishCalls().map((q) => q.status)).toEqual([429, 429, 200]);
    expect(sim.published).toHaveLength(1);
    expect(
      r.lines.filter((l) => l.kind === 'retry' && l.operation === 'PublishMessage'),
    ).toHaveLength(2);
  });
});

describe('SMN down', () => {
  /** The same failing run with notifications off: what the outcome must stay. */
  async function baseline(inject: (s: Simulator) => void): Promise<RunOutcome> {
    sim = await startSimulator({ fleet: staging(3), securityToken: TOKEN });
    inject(sim);
    const r = await runHandler(sim, {
      event: { policy: 'restart' },
      policy: RESTART_POLICY,
      env: { HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN, DMS_RETRY_ATTEMPTS: '3' },
    });
    await sim.stop();
    return r;
  }
  const failOne = (s: Simulator) =>
    s.inject({ route: 'instanceAction', kind: 'results', failIds: ['stg-001'], times: 2 });

  it('leaves the rejection unchanged when SMN answers 503 forever, and logs why', async () => {
    const before = await baseline(failOne);
    sim = await startSimulator({ fleet: staging(3), securityToken: TOKEN });
    failOne(sim);
    sim.inject({ route: 'publish', kind: 'status', status: 503, times: Infinity });
    const r = await run();

    expect(r.error?.message).toBe(before.error?.message);
    expect(r.error?.name).toBe(before.error?.name);
    expect(stable(r.summaries[0])).toEqual(stable(before.summaries[0]));
    expect(r.outcomes.map((o) => [o.instanceId, o.outcome])).toEqual(
      before.outcomes.map((o) => [o.instanceId, o.outcome]),
    );
    // Retried like a read: three tries, then given up.
    expect(publishCalls().map((q) => q.status)).toEqual([503, 503, 503]);
    expect(sim.published).toEqual([]);
    const [line] = notifyLines(r);
    expect(notifyLines(r)).toHaveLength(1);
    expect(line).toMatchObject({ level: 'error', topicUrn: topic(), sent: false });
    expect(line?.message).toMatch(/^not sent: SMN PublishMessage failed: HTTP 503/);
    expectNoSecret([r.raw, r.error?.message ?? '']);
  });

  it('leaves the rejection unchanged when nothing listens at SMN_ENDPOINT', async () => {
    const before = await baseline(failOne);
    sim = await startSimulator({ fleet: staging(3), securityToken: TOKEN });
    failOne(sim);
    const r = await run({ env: { SMN_ENDPOINT: `http://127.0.0.1:${await closedPort()}` } });

    expect(r.error?.message).toBe(before.error?.message);
    expect(stable(r.summaries[0])).toEqual(stable(before.summaries[0]));
    expect(publishCalls()).toHaveLength(0);
    expect(notifyLines(r)).toEqual([
      expect.objectContaining({
        level: 'error',
        sent: false,
        message: expect.stringMatching(/^not sent: SMN PublishMessage failed: network/),
      }),
    ]);
    expectNoSecret([r.raw]);
  });

  it('resolves with the same summary when the run is clean, whatever SMN does', async () => {
    const before = await baseline(() => {});
    sim = await startSimulator({ fleet: staging(3), securityToken: TOKEN });
    sim.inject({ route: 'publish', kind: 'status', status: 503, times: Infinity });
    const r = await run();
    expect(r.error).toBeUndefined();
    expect(stable(r.result)).toEqual(stable(before.result));
    expect(publishCalls()).toHaveLength(0);
  });
});
