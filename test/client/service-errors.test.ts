import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { createDmsClient } from '../../src/dms/client';
import { systemClock } from '../../src/exec/clock';
import { assumeAgencyByName, iamCalls, projectIn } from '../../src/iam/iam';
import { assumeAgency, stsCalls } from '../../src/iam/sts';
import { publishToTopic } from '../../src/notify/smn';
import { createLogger } from '../../src/report/logger';

/**
 * Failures of IAM and SMN calls, sent through the SDK core to the simulator
 * on loopback, are reported as the service's own: the class, the `service`
 * field and the message name IAM or SMN, never DMS. A DMS failure stays a
 * `DmsApiError`.
 */

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

interface Failure extends Error {
  service?: string;
  kind?: string;
  httpStatus?: number;
}

async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

const iam = (s: Simulator) =>
  iamCalls({ ak: s.ak, sk: s.sk }, s.endpoint, { timeoutMs: 2000, maxConcurrency: 1 });
const sts = (s: Simulator) =>
  stsCalls({ ak: s.ak, sk: s.sk }, s.endpoint, { timeoutMs: 2000, maxConcurrency: 1 });

function publish(s: Simulator, topicUrn: string) {
  return publishToTopic(
    {
      credentials: { ak: s.ak, sk: s.sk },
      projectId: s.projectId,
      topicUrn,
      endpoint: s.endpoint,
      timeoutMs: 2000,
      retry: {
        settings: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
        clock: systemClock,
        deadline: { remainingMs: () => Infinity, marginMs: 0, reserveMs: 0 },
        log: createLogger({ write: () => {} }),
      },
      scrub: (t) => t,
    },
    { subject: 'failed', message: 'a run failed' },
  );
}

function expectNamed(
  e: Failure,
  service: 'iam' | 'sts' | 'smn',
  name: string,
  message: RegExp,
): void {
  expect(e.name).toBe(name);
  expect(e.service).toBe(service);
  expect(e.message).toMatch(message);
  expect(e.message).not.toMatch(/DMS/);
}

describe('each service names its own failures', () => {
  it('reports an agency IAM refuses as an IAM error', async () => {
    sim = await startSimulator({ fleet: [] });
    const e = await failure(
      assumeAgencyByName(iam(sim), {
        agency: 'no-such-agency',
        domainName: 'd0',
        durationSeconds: 900,
      }),
    );
    expectNamed(
      e,
      'iam',
      'IamApiError',
      /^IAM CreateTemporaryAccessKeyByAgency failed: HTTP 404, 404, Could not find agency: no-such-agency/,
    );
    expect(e.httpStatus).toBe(404);
  });

  it('reports an agency STS refuses as an STS error', async () => {
    sim = await startSimulator({ fleet: [] });
    const e = await failure(
      assumeAgency(sts(sim), { agency: 'no-such-agency', domainId: 'd0', durationSeconds: 900 }),
    );
    expectNamed(
      e,
      'sts',
      'StsApiError',
      /^STS AssumeAgency failed: HTTP 404, STS\.0404, agency not found: iam::d0:agency:no-such-agency/,
    );
    expect(e.httpStatus).toBe(404);
  });

  it('reports an IAM answer without an error body, and a project IAM does not have, as IAM errors', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({ route: 'listProjects', kind: 'raw', status: 403, body: '' });
    const bare = await failure(projectIn(iam(sim), 'cn-north-4'));
    expectNamed(
      bare,
      'iam',
      'IamApiError',
      /^IAM KeystoneListProjects failed: HTTP 403, no IAM error body/,
    );
    const none = await failure(projectIn(iam(sim), 'xx-nowhere-9'));
    expectNamed(
      none,
      'iam',
      'IamApiError',
      /^IAM KeystoneListProjects failed: HTTP 200, no project named xx-nowhere-9/,
    );
  });

  it('reports a half-formed IAM answer as an IAM error', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({ route: 'listProjects', kind: 'rewrite', edit: () => ({ projects: [{}] }) });
    const e = await failure(projectIn(iam(sim), 'cn-north-4'));
    expectNamed(e, 'iam', 'IamApiError', /^IAM KeystoneListProjects failed: malformed, /);
    expect(e.kind).toBe('malformed');
  });

  it('reports a topic SMN refuses as an SMN error', async () => {
    sim = await startSimulator({ fleet: [] });
    const e = await failure(publish(sim, 'urn:smn:not-a-topic'));
    expectNamed(
      e,
      'smn',
      'SmnApiError',
      /^SMN PublishMessage failed: HTTP 400, SMN\.SIM00400, Invalid topic_urn\./,
    );
  });

  it('reports an SMN answer without an error body, or without a message id, as SMN errors', async () => {
    sim = await startSimulator({ fleet: [] });
    const topic = `urn:smn:cn-north-4:${sim.projectId}:ops`;
    sim.inject({ route: 'publish', kind: 'raw', status: 403, body: '' });
    const bare = await failure(publish(sim, topic));
    expectNamed(
      bare,
      'smn',
      'SmnApiError',
      /^SMN PublishMessage failed: HTTP 403, no SMN error body/,
    );
    sim.inject({ route: 'publish', kind: 'rewrite', edit: () => ({ request_id: 'r1' }) });
    const empty = await failure(publish(sim, topic));
    expectNamed(
      empty,
      'smn',
      'SmnApiError',
      /^SMN PublishMessage failed: HTTP 200, unexpected response: no message_id/,
    );
    expect(empty.kind).toBe('malformed');
  });

  it("retries IAM's throttling as any read's, and logs the retry", async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({ route: 'listProjects', kind: 'throttle' });
    const lines: string[] = [];
    const calls = iamCalls({ ak: sim.ak, sk: sim.sk }, sim.endpoint, {
      timeoutMs: 2000,
      maxConcurrency: 1,
      retry: {
        settings: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
        clock: systemClock,
        log: createLogger({ write: (l: string) => lines.push(l) }),
      },
    });
    expect(await projectIn(calls, 'cn-north-4')).toMatchObject({ projectId: sim.projectId });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        kind: 'retry',
        operation: 'KeystoneListProjects',
        reason: 'throttled',
        httpStatus: 429,
      }),
    ]);
  });

  it('still reports a DMS failure as a DMS error', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({ route: 'listInstances', kind: 'raw', status: 403, body: '' });
    const dms = createDmsClient({
      credentials: { ak: sim.ak, sk: sim.sk },
      projectId: sim.projectId,
      endpoint: sim.endpoint,
      timeoutMs: 2000,
    });
    const e = await failure(dms.listInstances());
    expect(e.name).toBe('DmsApiError');
    expect(e.service).toBe('dms');
    expect(e.message).toMatch(/^ListInstances failed: HTTP 403, no DMS error body/);
  });
});
