import { afterEach, describe, expect, it } from 'vitest';
import { planLine } from '../../cli/run-view';
import { createHandler } from '../../handlers/index';
import { type Simulator, startSimulator } from '../../simulator';
import type { Plan } from '../../src/plan/plan';
import type { Target } from '../../src/policy/resolve';
import { mk, RESTART_POLICY, staging } from '../support/fleet';
import {
  actions,
  type RunOutcome,
  runHandler,
  simEnv,
  sink,
  writePolicyFile,
} from '../support/harness';

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});

const REGIONS = ['cn-north-4', 'ap-southeast-1', 'eu-west-101'] as const;
const PROJECTS = [
  'a1000000000000000000000000000001',
  'b2000000000000000000000000000002',
  'c3000000000000000000000000000003',
];

/** Three simulators: one account (the same keys), three projects, each its own fleet. */
async function startTargets(sizes: readonly number[] = [2, 3, 1]): Promise<Simulator[]> {
  sims = await Promise.all(
    sizes.map((size, i) =>
      startSimulator({ projectId: PROJECTS[i], fleet: staging(size, `t${i}`) }),
    ),
  );
  return sims;
}

function targetsYaml(list: readonly Simulator[]): string {
  return list
    .map(
      (s, i) =>
        `    - { region: ${REGIONS[i]}, projectId: "${s.projectId}", endpoint: "${s.endpoint}" }`,
    )
    .join('\n');
}

function policy(list: readonly Simulator[], dryRun = false): string {
  return `version: 1
defaults:
  targets:
${targetsYaml(list)}
policies:
  restart:
    action: restart
    dryRun: ${dryRun}
    select:
      tags: { env: staging }
    batchSize: 10
    maxInstances: 50
`;
}

/** The handler with targets: the environment names no project, region or endpoint. */
async function run(list: readonly Simulator[], text = policy(list)): Promise<RunOutcome> {
  const [first] = list;
  if (!first) throw new Error('no simulator');
  return runHandler(first, {
    policy: text,
    event: { policy: 'restart' },
    env: { DMS_ENDPOINT: undefined, HUAWEICLOUD_SDK_PROJECT_ID: undefined },
  });
}

/** The target index an instance id belongs to: staging(n, `t${i}`) ids start `t${i}-`. */
const ownerOf = (id: string) => Number(id.slice(1, id.indexOf('-')));

describe('targets: one policy on several regions and projects', () => {
  it('runs every target and tags every line with its region and project', async () => {
    const list = await startTargets();
    const r = await run(list);
    expect(r.error).toBeUndefined();

    expect(r.outcomes).toHaveLength(6);
    for (const o of r.outcomes) {
      const i = ownerOf(o.instanceId);
      expect(o).toMatchObject({ outcome: 'restarted', region: REGIONS[i], projectId: PROJECTS[i] });
    }
    const perTarget = r.lines.filter((l) => ['action', 'wave', 'outcome'].includes(String(l.kind)));
    expect(perTarget.length).toBeGreaterThan(6);
    for (const l of perTarget) {
      expect(REGIONS).toContain(l.region);
      expect(PROJECTS).toContain(l.projectId);
    }

    // One summary per target, then the total.
    expect(r.summaries).toHaveLength(3);
    for (const [i, region] of REGIONS.entries()) {
      const s = r.summaries.find((x) => x.region === region);
      expect(s).toMatchObject({ projectId: PROJECTS[i], succeeded: [2, 3, 1][i], failed: 0 });
    }
    const totals = r.lines.filter((l) => l.kind === 'total');
    expect(totals).toHaveLength(1);
    expect(r.lines.at(-1)?.kind).toBe('total');
    expect(r.total).toMatchObject({
      kind: 'total',
      policy: 'restart',
      listed: 6,
      matched: 6,
      succeeded: 6,
      failed: 0,
      complete: true,
      targetsFailed: 0,
      targets: REGIONS.map((region, i) => ({
        region,
        projectId: PROJECTS[i],
        verdict: 'succeeded',
      })),
    });
    // The handler resolves with the very total it logged.
    const { level: _l, time: _t, ...logged } = totals[0] ?? {};
    expect(logged).toEqual(r.total);
  });

  it('sends each write only to its own target, signed, with its own project', async () => {
    const list = await startTargets();
    const r = await run(list);
    expect(r.error).toBeUndefined();
    for (const [i, sim] of list.entries()) {
      expect(sim.requests.length).toBeGreaterThan(0);
      for (const req of sim.requests) {
        expect(req.signatureValid).toBe(true);
        expect(req.path).toContain(`/${PROJECTS[i]}/`);
      }
      const sent = actions(sim).flatMap((a) => (a.body as { instances: string[] }).instances);
      expect(sent.sort()).toEqual(
        sim
          .instances()
          .map((x) => x.instance_id)
          .sort(),
      );
      expect(sent.every((id) => ownerOf(id) === i)).toBe(true);
    }
  });

  it('goes on with the other targets when one fails, and rejects naming it', async () => {
    const list = await startTargets();
    // Every call to the second target fails.
    list[1]?.inject({ route: '*', kind: 'status', status: 500, times: Number.POSITIVE_INFINITY });
    const r = await run(list);

    expect(r.error?.name).toBe('RunFailedError');
    expect(r.error?.message).toMatch(
      /^policy restart: 1 of 3 targets did not succeed: ap-southeast-1\/b2000000000000000000000000000002: stopped: /,
    );
    expect(r.error?.message).not.toContain('cn-north-4');
    expect(actions(list[0] as Simulator)).toHaveLength(1);
    expect(actions(list[2] as Simulator)).toHaveLength(1);
    expect(actions(list[1] as Simulator)).toHaveLength(0);
    expect(r.outcomes.map((o) => o.region).sort()).toEqual([
      'cn-north-4',
      'cn-north-4',
      'eu-west-101',
    ]);
    const failed = r.summaries.find((s) => s.region === 'ap-southeast-1');
    expect(failed).toMatchObject({ complete: false, error: expect.stringMatching(/HTTP 500/) });
    const total = r.lines.find((l) => l.kind === 'total');
    expect(total).toMatchObject({
      level: 'error',
      succeeded: 3,
      complete: false,
      targetsFailed: 1,
      targets: [
        { region: 'cn-north-4', verdict: 'succeeded' },
        { region: 'ap-southeast-1', verdict: 'stopped' },
        { region: 'eu-west-101', verdict: 'succeeded' },
      ],
    });
  });

  it('fails one target on an inconsistent listing and another on failed instances, alone', async () => {
    const list = await startTargets([60, 3, 2]);
    const [a, b, c] = list as [Simulator, Simulator, Simulator];
    // The first target's fleet changes under every listing: pages of 50 shift.
    let n = 0;
    a.inject({
      route: 'listInstances',
      kind: 'mutate',
      times: Number.POSITIVE_INFINITY,
      apply: () => {
        n++;
        if (n % 2 === 0) a.addInstance(mk(`new-${n}`, `kafka-new-${n}`, 'RUNNING'));
      },
    });
    c.inject({ route: 'instanceAction', kind: 'results', failIds: ['t2-000'], times: 2 });
    const r = await run(list);

    expect(r.error?.message).toContain('2 of 3 targets did not succeed');
    expect(r.error?.message).toContain(
      `cn-north-4/${PROJECTS[0]}: stopped: the fleet kept changing while it was listed`,
    );
    expect(r.error?.message).toContain(`eu-west-101/${PROJECTS[2]}: 1 of 2 instances failed`);
    expect(actions(a)).toHaveLength(0);
    expect(actions(b)).toHaveLength(1);
    expect(r.outcomes.filter((o) => o.region === 'ap-southeast-1')).toHaveLength(3);
    expect(r.outcomes.find((o) => o.instanceId === 't2-000')).toMatchObject({
      outcome: 'failed',
      region: 'eu-west-101',
      projectId: PROJECTS[2],
    });
  });

  it('publishes one notification naming the target of each failed instance', async () => {
    const list = await startTargets();
    const [a, , c] = list as [Simulator, Simulator, Simulator];
    c.inject({ route: 'instanceAction', kind: 'results', failIds: ['t2-000'], times: 2 });
    const r = await runHandler(a, {
      policy: policy(list),
      event: { policy: 'restart' },
      env: {
        DMS_ENDPOINT: undefined,
        // The topic is in the function's own project; here the first target's.
        SMN_TOPIC_URN: `urn:smn:cn-north-4:${a.projectId}:ops`,
        SMN_ENDPOINT: a.endpoint,
      },
    });
    expect(r.error?.message).toContain('1 of 3 targets did not succeed');
    const published = list.flatMap((s) => s.published);
    expect(published).toHaveLength(1);
    const msg = published[0]?.message ?? '';
    expect(msg).toContain('3 targets, 1 did not succeed');
    expect(msg).toContain(`- eu-west-101/${PROJECTS[2]}: failed: 1 of 1 instances failed`);
    expect(msg).toContain(`- cn-north-4/${PROJECTS[0]}: succeeded`);
    expect(msg).toContain(`- eu-west-101/${PROJECTS[2]}: kafka-t2-0 (id t2-000, status RUNNING)`);
    expect(msg).toContain('the total (kind "total")');
  });

  it('signs its notification with the topic project when the environment names none', async () => {
    const list = await startTargets();
    const [a, , c] = list as [Simulator, Simulator, Simulator];
    c.inject({ route: 'instanceAction', kind: 'results', failIds: ['t2-000'], times: 2 });
    const r = await runHandler(a, {
      policy: policy(list),
      event: { policy: 'restart' },
      env: {
        DMS_ENDPOINT: undefined,
        HUAWEICLOUD_SDK_PROJECT_ID: undefined,
        SMN_TOPIC_URN: `urn:smn:cn-north-4:${a.projectId}:ops`,
        SMN_ENDPOINT: a.endpoint,
      },
    });
    expect(r.error?.message).toContain('1 of 3 targets did not succeed');
    expect(list.flatMap((s) => s.published)).toHaveLength(1);
  });

  it('hands the plan of each target to the command line, with its region and project', async () => {
    const list = await startTargets();
    const { destination } = sink();
    const plans: Array<{ plan: Plan; target: Target | undefined }> = [];
    const handler = createHandler({
      destination,
      env: {
        ...simEnv(list[0] as Simulator),
        DMS_ENDPOINT: undefined,
        POLICY_FILE: writePolicyFile(policy(list)),
      },
      invoke: { planOnly: true, onPlan: (plan, target) => plans.push({ plan, target }) },
    });
    await handler({ policy: 'restart' });
    expect(plans).toHaveLength(3);
    const lines = plans.map((p) => planLine(p.plan, p.target));
    for (const [i, region] of REGIONS.entries()) {
      const line = lines.find((l) => l.region === region);
      expect(line).toMatchObject({ kind: 'plan', policy: 'restart', projectId: PROJECTS[i] });
      const batches = (line?.batches ?? []) as unknown[][];
      expect(batches[0]).toHaveLength([2, 3, 1][i] ?? 0);
    }
    for (const sim of list) expect(actions(sim)).toHaveLength(0);
  });

  it('without targets, writes no region, no project and no total', async () => {
    sims = [await startSimulator({ fleet: staging(2) })];
    const r = await runHandler(sims[0] as Simulator, { policy: RESTART_POLICY });
    expect(r.error).toBeUndefined();
    expect(r.total).toBeUndefined();
    expect(r.result?.kind).toBe('summary');
    expect(r.lines.some((l) => l.kind === 'total')).toBe(false);
    for (const l of r.lines) {
      expect(l).not.toHaveProperty('region');
      expect(l).not.toHaveProperty('projectId');
    }
  });
});
