import { describe, expect, it } from 'vitest';
import type { ActContext } from '../../src/act/context';
import { writeBatch } from '../../src/act/engine';
import { deleteKind, restartKind } from '../../src/act/write-kinds';
import type { DmsClient } from '../../src/dms/client';
import { DmsApiError, DmsFailureKind } from '../../src/dms/errors';
import { RESTART_ONSET_MS } from '../../src/dms/status';
import type { ActionResponse, KafkaInstance } from '../../src/dms/wire';
import { chooseMode } from '../../src/plan/mode';
import { createJudge, selectInstances } from '../../src/plan/select';
import { parsePolicies } from '../../src/policy/load';
import type { Policy } from '../../src/policy/resolve';
import { createLogger } from '../../src/report/logger';
import type { OutcomeRecord } from '../../src/report/records';
import { Report } from '../../src/report/report';

/**
 * A DMS client made of plain data: instances in a map, and a queue of what
 * each write answers. It records every call, so a test can say exactly what
 * was sent and read.
 */
class FakeDms implements DmsClient {
  readonly byId = new Map<string, KafkaInstance>();
  readonly calls: string[] = [];
  /** Each write takes the next answer; a function may change the fleet first. */
  readonly answers: Array<(ids: string[]) => ActionResponse | Error> = [];

  constructor(instances: KafkaInstance[]) {
    for (const i of instances) this.byId.set(i.instance_id, structuredClone(i));
  }

  async listInstances() {
    this.calls.push('list');
    return [...this.byId.values()].map((i) => structuredClone(i));
  }
  async showInstance(id: string) {
    this.calls.push(`show ${id}`);
    const i = this.byId.get(id);
    return i && structuredClone(i);
  }
  async showCluster(id: string) {
    this.calls.push(`cluster ${id}`);
    const healthy = { id: '0', healthy: true };
    return {
      brokers: [healthy],
      partitions: 1,
      onlinePartitions: 1,
      replicas: 1,
      inSyncReplicas: 1,
    };
  }
  async listTopics(id: string) {
    this.calls.push(`topics ${id}`);
    return [];
  }
  restartInstances(ids: readonly string[]) {
    return this.write(`restart ${ids.join(',')}`, ids, 'RESTARTING');
  }
  deleteInstances(ids: readonly string[]) {
    return this.write(`delete ${ids.join(',')}`, ids, 'DELETING');
  }
  async tagInstance(id: string, action: 'create' | 'delete') {
    this.calls.push(`tag ${action} ${id}`);
    return { requestId: 't' };
  }
  deleteAllFailed() {
    const ids = [...this.byId.values()]
      .filter((i) => i.status === 'CREATEFAILED')
      .map((i) => i.instance_id);
    return this.write('delete all_failure', ids, 'DELETING');
  }

  private async write(label: string, ids: readonly string[], to: string) {
    this.calls.push(label);
    const next = this.answers.shift();
    const answer = next
      ? next([...ids])
      : {
          requestId: 'r',
          results: ids.map((id) => ({ instance: id, result: 'success' as const })),
        };
    if (answer instanceof Error) throw answer;
    for (const r of answer.results ?? []) {
      const inst = this.byId.get(r.instance);
      if (inst && r.result === 'success') inst.status = to;
    }
    return answer;
  }
}

const inst = (id: string, status = 'RUNNING', tags: Record<string, string> = { env: 'staging' }) =>
  ({
    instance_id: id,
    name: `kafka-${id}`,
    status,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  }) as KafkaInstance;

const policyOf = (yaml: string): Policy => {
  const p = parsePolicies(yaml).values().next().value;
  if (!p) throw new Error('no policy');
  return p;
};

const RESTART = policyOf(`version: 1
policies:
  r:
    action: restart
    dryRun: false
    select: { tags: { env: "staging" } }
    exclude: { tags: { protect: "true" } }
`);
const CLEANUP = policyOf(`version: 1
policies:
  c:
    action: cleanup-failed
    dryRun: false
    exclude: { tags: { protect: "true" } }
`);

function setup(instances: KafkaInstance[], policy = RESTART) {
  const dms = new FakeDms(instances);
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    write: (s: string) => {
      for (const l of s.split('\n').filter(Boolean)) lines.push(JSON.parse(l));
    },
  });
  const report = new Report(log, {
    policy: policy.name,
    action: policy.action === 'restart' ? 'restart' : 'delete',
    dryRun: false,
    invocationId: 't',
  });
  const slept: number[] = [];
  // Time passes only in sleeps, so a restart's onset can end.
  let now = 0;
  const ctx: ActContext = {
    dms,
    report,
    log,
    judge: createJudge(policy),
    onsetMs: RESTART_ONSET_MS,
    settings: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    clock: {
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    },
    deadline: { remainingMs: () => 600_000, marginMs: 0, reserveMs: 0 },
  };
  const records = () => lines.filter((l) => l.kind === 'outcome') as unknown as OutcomeRecord[];
  const outcomes = () => records().map((r) => [r.instanceId, r.outcome]);
  return { dms, ctx, lines, slept, outcomes, records };
}

const apiError = (kind: DmsFailureKind, status?: number, retryAfterMs?: number) =>
  new DmsApiError({
    operation: 'RestartInstances',
    kind,
    message: `failed ${kind}`,
    httpStatus: status,
    retryAfterMs,
  });

describe('the write engine', () => {
  it('reads each instance right before the call and sends only what still qualifies', async () => {
    const t = setup([inst('a'), inst('b'), inst('c')]);
    t.dms.byId.set('b', inst('b', 'RUNNING', { env: 'staging', protect: 'true' }));
    t.dms.byId.delete('c');
    const r = await writeBatch(t.ctx, restartKind, [inst('a'), inst('b'), inst('c')]);
    expect(t.dms.calls).toEqual(['show a', 'show b', 'show c', 'restart a']);
    expect(r.succeeded.map((s) => s.instance.instance_id)).toEqual(['a']);
    expect(t.outcomes()).toEqual([
      ['b', 'skipped'],
      ['c', 'skipped'],
    ]);
  });

  it('waits out a throttle, reads again, and resends; attempts count every send', async () => {
    const t = setup([inst('a')]);
    t.dms.answers.push(() => apiError(DmsFailureKind.Throttled, 429, 2000));
    const r = await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(t.slept).toEqual([2000]);
    expect(t.dms.calls).toEqual(['show a', 'restart a', 'show a', 'restart a']);
    expect(r.succeeded[0]?.detail.attempts).toBe(2);
  });

  it('after a lost answer, records what took and resends only what did not', async () => {
    const t = setup([inst('a'), inst('b')]);
    t.dms.answers.push(() => {
      // DMS restarted a, then the answer was lost.
      const a = t.dms.byId.get('a');
      if (a) a.status = 'RESTARTING';
      return apiError(DmsFailureKind.Network);
    });
    const r = await writeBatch(t.ctx, restartKind, [inst('a'), inst('b')]);
    expect(t.dms.calls.slice(0, 5)).toEqual([
      'show a',
      'show b',
      'restart a,b',
      'show a',
      'show b',
    ]);
    // b still reads RUNNING: it is looked at through a restart's whole onset
    // (2, 4, 8, 16, 30, 30, 30 s) before it is sent again.
    expect(t.dms.calls.slice(5)).toEqual([...Array(7).fill('show b'), 'restart b']);
    expect(t.slept.reduce((a, b) => a + b, 0)).toBe(RESTART_ONSET_MS);
    expect(r.succeeded.map((s) => [s.instance.instance_id, s.detail.attempts])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('keeps what an unanswered call may have done through a throttled resend', async () => {
    const t = setup([inst('a')]);
    // The first call's answer is lost, and DMS shows the restart only a moment later:
    // the read-back still says RUNNING, the resend is throttled, then RESTARTING shows.
    t.dms.answers.push(
      () => apiError(DmsFailureKind.Network),
      () => {
        const a = t.dms.byId.get('a');
        if (a) a.status = 'RESTARTING';
        return apiError(DmsFailureKind.Throttled, 429);
      },
    );
    const r = await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(t.outcomes()).toEqual([]);
    expect(r.succeeded.map((s) => [s.instance.instance_id, s.detail.reason])).toEqual([
      [
        'a',
        'confirmed by status RESTARTING after: RestartInstances failed: network, failed network',
      ],
    ]);
  });

  it('reads back, rather than calls not reached, what an unanswered call met at the deadline', async () => {
    const t = setup([inst('a')]);
    let late = false;
    t.ctx.deadline = { remainingMs: () => (late ? 50 : 600_000), marginMs: 100, reserveMs: 0 };
    t.dms.answers.push(() => {
      const a = t.dms.byId.get('a');
      if (a) a.status = 'RESTARTING';
      late = true;
      return apiError(DmsFailureKind.Server, 503);
    });
    const r = await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(r.stopped).toBe('deadline');
    expect(r.succeeded.map((s) => s.instance.instance_id)).toEqual(['a']);
    expect(t.outcomes()).toEqual([]);
  });

  it('fails, never calls not reached, an unanswered call the deadline leaves unsettled', async () => {
    const t = setup([inst('a')]);
    let late = false;
    t.ctx.deadline = { remainingMs: () => (late ? 50 : 600_000), marginMs: 100, reserveMs: 0 };
    t.dms.answers.push(() => {
      late = true;
      return apiError(DmsFailureKind.Server, 503);
    });
    await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(t.records()).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        reason: expect.stringMatching(
          /the deadline came before its outcome was known; status now RUNNING$/,
        ),
      }),
    ]);
  });

  it('stops resending after a bounded number of unanswered calls', async () => {
    const t = setup([inst('a')]);
    for (let i = 0; i < 5; i++) t.dms.answers.push(() => apiError(DmsFailureKind.Server, 503));
    const r = await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(t.dms.calls.filter((c) => c.startsWith('restart'))).toHaveLength(3);
    expect(r.failed).toBe(1);
    expect(t.outcomes()).toEqual([['a', 'failed']]);
  });

  it('never resends what DMS refused outright', async () => {
    const t = setup([inst('a')]);
    t.dms.answers.push(() => apiError(DmsFailureKind.Client, 400));
    const r = await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(t.dms.calls).toEqual(['show a', 'restart a']);
    expect(r.failed).toBe(1);
  });

  it('resends an id DMS answered failed once, and fails it the second time', async () => {
    const t = setup([inst('a')]);
    const no = (ids: string[]) => ({
      requestId: 'x',
      results: ids.map((instance) => ({ instance, result: 'failed' as const })),
    });
    t.dms.answers.push(no, no);
    await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(t.dms.calls).toEqual(['show a', 'restart a', 'show a', 'restart a']);
    expect(t.records()[0]).toMatchObject({
      outcome: 'failed',
      reason: 'DMS answered failed, also on the resend',
      attempts: 2,
    });
  });

  it('skips the rest as deadline when the write cutoff has passed', async () => {
    const t = setup([inst('a'), inst('b')]);
    t.ctx.deadline = { remainingMs: () => 10, marginMs: 100, reserveMs: 0 };
    const r = await writeBatch(t.ctx, restartKind, [inst('a'), inst('b')]);
    expect(r.stopped).toBe('deadline');
    expect(t.dms.calls).toEqual([]);
    expect(t.outcomes()).toEqual([
      ['a', 'skipped'],
      ['b', 'skipped'],
    ]);
  });

  it('makes one all_failure call, reads back after its 204, and never sends it twice', async () => {
    const t = setup([inst('f1', 'CREATEFAILED', {}), inst('f2', 'CREATEFAILED', {})], CLEANUP);
    t.dms.answers.push(() => {
      // 204: f1 was deleted, f2 was not.
      const f1 = t.dms.byId.get('f1');
      if (f1) f1.status = 'DELETING';
      return { requestId: 'x', results: undefined };
    });
    const r = await writeBatch(
      t.ctx,
      deleteKind,
      [inst('f1', 'CREATEFAILED', {}), inst('f2', 'CREATEFAILED', {})],
      { operation: 'DeleteAllFailedInstances', send: (dms) => dms.deleteAllFailed() },
    );
    expect(t.dms.calls).toEqual(['delete all_failure', 'show f1', 'show f2', 'delete f2']);
    expect(r.succeeded.map((s) => s.instance.instance_id)).toEqual(['f1', 'f2']);
  });

  it('writes an action line before every call', async () => {
    const t = setup([inst('a')]);
    t.dms.answers.push(() => apiError(DmsFailureKind.Busy, 400));
    await writeBatch(t.ctx, restartKind, [inst('a')]);
    expect(t.lines.filter((l) => l.kind === 'action').map((l) => l.attempt)).toEqual([1, 2]);
  });
});

describe('choosing how a cleanup deletes', () => {
  const mode = (instances: KafkaInstance[], policy = CLEANUP) =>
    chooseMode(policy, instances, selectInstances(instances, policy));

  const ALL = policyOf(`version: 1
policies:
  c:
    action: cleanup-failed
    dryRun: false
`);

  it('uses all_failure only when every failed instance is selected and nothing could surprise it', () => {
    expect(mode([inst('f', 'CREATEFAILED', {}), inst('r')], ALL).mode).toBe('all_failure');
  });

  it('goes by id for a policy with any exclusion, even one no instance carries yet', () => {
    const m = mode([inst('f', 'CREATEFAILED', {}), inst('r')], CLEANUP);
    expect(m).toMatchObject({ mode: 'by-id', reason: expect.stringMatching(/excludes by tag/) });
  });

  it.each([
    ['one is still CREATING', [inst('f', 'CREATEFAILED', {}), inst('c', 'CREATING')], /CREATING/],
    [
      'a status is undocumented',
      [inst('f', 'CREATEFAILED', {}), inst('u', 'NEWSTATE')],
      /does not document/,
    ],
  ])('goes by id when %s', (_, instances, reason) => {
    const m = mode(instances, ALL);
    expect(m.mode).toBe('by-id');
    expect(m.reason).toMatch(reason);
  });

  it('goes by id for a policy that selects a subset', () => {
    const scoped = policyOf(`version: 1
policies:
  c:
    action: cleanup-failed
    select: { tags: { env: "dev" } }
`);
    expect(mode([inst('f', 'CREATEFAILED', { env: 'dev' })], scoped)).toMatchObject({
      mode: 'by-id',
      reason: expect.stringMatching(/selects by tag or name/),
    });
  });
});
