/**
 * The simulator against Huawei's own Kafka client: every DMS call the
 * function makes, sent by the official client, answered by the simulator,
 * and read through the official models; then the same call made by the
 * function, which must go to the same place and send only what the
 * official request models declare. A change to the simulator that the
 * official client would not read fails here.
 */
import {
  BatchCreateOrDeleteKafkaTagRequest,
  BatchCreateOrDeleteTagReq,
  BatchRestartOrDeleteInstanceReq,
  BatchRestartOrDeleteInstancesRequest,
  ListInstancesRequest,
  ListInstancesResponse,
  ListInstanceTopicsRequest,
  ShowClusterRequest,
  ShowClusterRespCluster,
  ShowClusterRespClusterBrokers,
  ShowInstanceRequest,
  ShowInstanceResp,
  ShowInstanceResponse,
  TagEntity,
} from '@huaweicloud/huaweicloud-sdk-kafka';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoId, type Simulator, startSimulator } from '../../simulator';
import { createDmsClient, type DmsClient } from '../../src/dms/client';
import { InstanceStatus } from '../../src/dms/status';
import { ACTION, INSTANCE, LIST_PAGE, SHOW_CLUSTER, SHOWN, TOPICS_PAGE } from './fields';
import {
  asModel,
  declaredOptional,
  lastRequest,
  nonConforming,
  officialKafka,
  type RequestShape,
  undeclared,
} from './official';

let sim: Simulator;
let dms: DmsClient;
beforeEach(async () => {
  sim = await startSimulator();
  dms = createDmsClient({
    credentials: { ak: sim.ak, sk: sim.sk },
    projectId: sim.projectId,
    endpoint: sim.endpoint,
  });
});
afterEach(() => sim.stop());

/** What the function sent since `from`: each request's method, path and route. */
function sentSince(from: number) {
  return sim.requests.slice(from).map((r) => ({ method: r.method, path: r.path, route: r.route }));
}

/** The official client's failure, with the fields the function reads off an error. */
async function failure(p: Promise<unknown>) {
  const e = (await p.then(
    () => undefined,
    (err: unknown) => err,
  )) as Record<string, unknown> | undefined;
  if (!e) throw new Error('expected the call to fail');
  return {
    httpStatusCode: e.httpStatusCode,
    errorCode: e.errorCode,
    hasRequestId: typeof e.requestId === 'string' && e.requestId !== '',
  };
}

const LIST_QUERY: RequestShape = { model: ListInstancesRequest, pkg: 'kafka' };
const TOPICS_QUERY: RequestShape = { model: ListInstanceTopicsRequest, pkg: 'kafka' };
const ACTION_BODY: RequestShape = { model: BatchRestartOrDeleteInstanceReq, pkg: 'kafka' };
const TAG_BODY: RequestShape = {
  model: BatchCreateOrDeleteTagReq,
  pkg: 'kafka',
  nested: { tags: { model: TagEntity, pkg: 'kafka' } },
};

const running = () => sim.instances().filter((i) => i.status === InstanceStatus.Running);
const failed = () => sim.instances().filter((i) => i.status === InstanceStatus.CreateFailed);

describe('ListInstances', () => {
  it('pages through the official client, every page read as the official model, and the function lists the same', async () => {
    const client = officialKafka(sim);
    const seen: string[] = [];
    let total = Number.POSITIVE_INFINITY;
    for (let offset = 0; offset < total; offset += 7) {
      const page = await client.listInstances(
        new ListInstancesRequest()
          .withEngine('kafka')
          .withIncludeFailure('true')
          .withLimit('7')
          .withOffset(String(offset)),
      );
      expect(page.httpStatusCode).toBe(200);
      expect(nonConforming(LIST_PAGE, page)).toEqual([]);
      const read = asModel(ListInstancesResponse, page);
      total = read.instanceNum ?? 0;
      for (const i of read.instances ?? [])
        seen.push(asModel(ShowInstanceResp, i).instanceId ?? '');
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(failed().length).toBeGreaterThan(0);
    expect(sim.instances().some((i) => i.tags.length > 0)).toBe(true);

    const past = client.listInstances(
      new ListInstancesRequest().withEngine('kafka').withOffset(String(total + 5)),
    );
    // src/dms/kafka.ts and list.ts read this code as "the listing shrank".
    expect(await failure(past)).toEqual({
      httpStatusCode: 400,
      errorCode: 'DMS.40050010',
      hasRequestId: true,
    });

    const from = sim.requests.length;
    const ours = await dms.listInstances({ includeFailure: true });
    expect(ours.map((i) => i.instance_id).sort()).toEqual([...seen].sort());
    const sent = sim.requests.slice(from);
    expect(new Set(sentSince(from).map((r) => `${r.method} ${r.path}`))).toEqual(
      new Set([`GET /v2/${sim.projectId}/instances`]),
    );
    for (const r of sent) expect(undeclared(r.query, LIST_QUERY)).toEqual([]);
  });
});

describe('ShowInstance', () => {
  it('reads as the official model, and an unknown id fails with the code the function reads', async () => {
    const client = officialKafka(sim);
    const id = demoId(1);
    const res = await client.showInstance(new ShowInstanceRequest().withInstanceId(id));
    expect(nonConforming(SHOWN, res)).toEqual([]);
    const official = lastRequest(sim);

    const ours = await dms.showInstance(id);
    expect(lastRequest(sim)).toEqual(official);
    expect(ours?.status).toBe(res.status);
    expect(ours?.broker_num).toBe(asModel(ShowInstanceResponse, res).brokerNum);

    const gone = client.showInstance(new ShowInstanceRequest().withInstanceId('no-such-id'));
    // src/dms/errors.ts: only DMS's own 404 code says the instance does not exist.
    expect(await failure(gone)).toEqual({
      httpStatusCode: 404,
      errorCode: 'DMS.00404022',
      hasRequestId: true,
    });
    expect(nonConforming(INSTANCE, sim.instance(id))).toEqual([]);
  });
});

describe('BatchRestartOrDeleteInstances', () => {
  const action = (body: BatchRestartOrDeleteInstanceReq) =>
    officialKafka(sim).batchRestartOrDeleteInstances(
      new BatchRestartOrDeleteInstancesRequest().withBody(body),
    );

  it('restart: the results read as the official model; the function sends the same call', async () => {
    const [a, b] = running();
    if (!a || !b) throw new Error('the demo fleet has running instances');
    const res = await action(
      new BatchRestartOrDeleteInstanceReq().withAction('restart').withInstances([a.instance_id]),
    );
    expect(nonConforming(ACTION, res)).toEqual([]);
    const official = lastRequest(sim);

    const ours = await dms.restartInstances([b.instance_id]);
    expect(ours.results).toEqual([{ result: 'success', instance: b.instance_id }]);
    expect(lastRequest(sim)).toEqual(official);
    expect(undeclared(sim.requests.at(-1)?.body, ACTION_BODY)).toEqual([]);
  });

  it('delete by id: the results read as the official model; the function sends the same call', async () => {
    const [a, b] = failed();
    if (!a || !b) throw new Error('the demo fleet has failed instances');
    const res = await action(
      new BatchRestartOrDeleteInstanceReq()
        .withAction('delete')
        .withInstances([a.instance_id])
        .withForceDelete(true),
    );
    expect(nonConforming(ACTION, res)).toEqual([]);
    const official = lastRequest(sim);

    const ours = await dms.deleteInstances([b.instance_id], { force: true });
    expect(ours.results).toEqual([{ result: 'success', instance: b.instance_id }]);
    expect(lastRequest(sim)).toEqual(official);
    expect(undeclared(sim.requests.at(-1)?.body, ACTION_BODY)).toEqual([]);
  });

  it('all_failure: 204 without a body, as the official client takes it; the function sends the same call', async () => {
    const res = await action(
      new BatchRestartOrDeleteInstanceReq().withAction('delete').withAllFailure('kafka'),
    );
    expect(res.httpStatusCode).toBe(204);
    expect(res.results).toBeUndefined();
    const official = lastRequest(sim);

    const ours = await dms.deleteAllFailed();
    expect(ours.results).toBeUndefined();
    expect(lastRequest(sim)).toEqual(official);
    expect(undeclared(sim.requests.at(-1)?.body, ACTION_BODY)).toEqual([]);
  });

  it('a refusal and throttling fail the official client with the codes the function reads', async () => {
    const [a] = running();
    if (!a) throw new Error('the demo fleet has running instances');
    const restart = () =>
      action(
        new BatchRestartOrDeleteInstanceReq().withAction('restart').withInstances([a.instance_id]),
      );
    sim.inject({ route: 'instanceAction', kind: 'busy' });
    // src/cloud/errors.ts: DMS.00400026 is "not now", safe to send again.
    expect(await failure(restart())).toEqual({
      httpStatusCode: 400,
      errorCode: 'DMS.00400026',
      hasRequestId: true,
    });
    sim.inject({ route: 'instanceAction', kind: 'throttle' });
    expect(await failure(restart())).toEqual({
      httpStatusCode: 429,
      errorCode: 'APIG.0308',
      hasRequestId: true,
    });
  });
});

describe('ShowCluster', () => {
  it('reads as the official model, and the function reads the same counts', async () => {
    const id = demoId(4);
    const res = await officialKafka(sim).showCluster(new ShowClusterRequest().withInstanceId(id));
    expect(nonConforming(SHOW_CLUSTER, res)).toEqual([]);
    const official = lastRequest(sim);

    const ours = await dms.showCluster(id);
    expect(lastRequest(sim)).toEqual(official);
    const c = asModel(ShowClusterRespCluster, res.cluster);
    expect(ours).toMatchObject({
      partitions: c.partitionsCount,
      onlinePartitions: c.onlinePartitionsCount,
      replicas: c.replicasCount,
      inSyncReplicas: c.isrReplicasCount,
    });
    // demo instance 4 starts with replicas out of sync: the counts are not all equal.
    expect(ours.inSyncReplicas).toBeLessThan(ours.replicas ?? 0);
    expect(ours.brokers?.map((b) => b.id)).toEqual(
      (c.brokers ?? []).map((b) => asModel(ShowClusterRespClusterBrokers, b).brokerId),
    );
  });
});

describe('ShowCluster without some fields', () => {
  it('is still an answer the official model takes: every field of it is optional', async () => {
    const id = demoId(1);
    sim.setKafka(id, { omit: ['isr_replicas_count', 'brokers.is_health'] });
    const res = await officialKafka(sim).showCluster(new ShowClusterRequest().withInstanceId(id));
    expect(res.httpStatusCode).toBe(200);
    expect(nonConforming(SHOW_CLUSTER, res)).toEqual([
      'cluster.brokers[0].isHealth: missing',
      'cluster.brokers[1].isHealth: missing',
      'cluster.brokers[2].isHealth: missing',
      'cluster.isrReplicasCount: missing',
    ]);
    for (const d of ['ShowClusterRespCluster', 'ShowClusterRespClusterBrokers']) {
      expect(declaredOptional(d)).toBe(true);
    }
  });
});

describe('ListInstanceTopics', () => {
  it('pages as the official model, and the function lists the same topics', async () => {
    const id = demoId(2);
    const client = officialKafka(sim);
    const names: string[] = [];
    for (let offset = 0; ; offset += 1) {
      const page = await client.listInstanceTopics(
        new ListInstanceTopicsRequest()
          .withInstanceId(id)
          .withOffset(String(offset))
          .withLimit('1'),
      );
      expect(nonConforming(TOPICS_PAGE, page)).toEqual([]);
      names.push(...(page.topics ?? []).map((t) => t.name as string));
      if (offset + 1 >= (page.total ?? 0)) break;
    }
    const from = sim.requests.length;
    const ours = await dms.listTopics(id);
    expect(ours.map((t) => t.name)).toEqual(names);
    expect(ours.some((t) => t.replication === 1)).toBe(true);
    for (const r of sim.requests.slice(from)) {
      expect(`${r.method} ${r.path}`).toBe(`GET /v2/${sim.projectId}/instances/${id}/topics`);
      expect(undeclared(r.query, TOPICS_QUERY)).toEqual([]);
    }
  });
});

describe('BatchCreateOrDeleteKafkaTag', () => {
  for (const verb of ['create', 'delete'] as const) {
    it(`${verb}: 204, as the official client takes it; the function sends the same call`, async () => {
      const id = demoId(1);
      const tag = new TagEntity().withKey('dms-maintenance-hold').withValue('2026-01-01T00:00Z');
      const res = await officialKafka(sim).batchCreateOrDeleteKafkaTag(
        new BatchCreateOrDeleteKafkaTagRequest()
          .withInstanceId(id)
          .withBody(new BatchCreateOrDeleteTagReq().withAction(verb).withTags([tag])),
      );
      expect(res.httpStatusCode).toBe(204);
      const official = lastRequest(sim);

      await dms.tagInstance(id, verb, [
        { key: 'dms-maintenance-hold', value: '2026-01-01T00:00Z' },
      ]);
      expect(lastRequest(sim)).toEqual(official);
      expect(undeclared(sim.requests.at(-1)?.body, TAG_BODY)).toEqual([]);
    });
  }
});
