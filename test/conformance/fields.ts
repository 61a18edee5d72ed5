/**
 * For each call the function makes, the fields of the official model it
 * reads, and the kind each must have. Derived from the function's own
 * readers; a field added to one of them belongs here too.
 */
import {
  CreateTemporaryAccessKeyByAgencyResponse,
  Credential,
  KeystoneListProjectsResponse,
  ProjectResult,
} from '@huaweicloud/huaweicloud-sdk-iam/v3/public-api';
import {
  BatchRestartOrDeleteInstanceRespResults,
  BatchRestartOrDeleteInstancesResponse,
  ListInstancesResponse,
  ListInstanceTopicsResponse,
  ShowClusterRespCluster,
  ShowClusterRespClusterBrokers,
  ShowClusterResponse,
  ShowInstanceResp,
  ShowInstanceResponse,
  TagEntity,
  TopicEntity,
} from '@huaweicloud/huaweicloud-sdk-kafka';
import type { FieldKind, ModelSpec } from './official';

/** `tags[]`: src/dms/wire.ts `readInstance` (a tag's key and value are text). */
export const TAG: ModelSpec = {
  model: TagEntity,
  pkg: 'kafka',
  fields: { key: 'string', value: 'string' },
};

/**
 * One instance, as `readInstance` in src/dms/wire.ts keeps it: the id and
 * status (required there), the name, the engine (required by ShowInstance's
 * reader, `shownInstance` in src/dms/answers.ts), the tags, `created_at`,
 * the maintenance window, and `broker_num` (the brokers ShowCluster must list).
 */
const INSTANCE_FIELDS: Record<string, FieldKind> = {
  instanceId: 'string',
  name: 'string',
  status: 'string',
  engine: 'string',
  tags: { arrayOf: TAG, mayBeEmpty: true },
  createdAt: 'string',
  maintainBegin: 'string',
  maintainEnd: 'string',
  brokerNum: 'count',
};

export const INSTANCE: ModelSpec = {
  model: ShowInstanceResp,
  pkg: 'kafka',
  fields: INSTANCE_FIELDS,
};

/** ListInstances: `listPageSchema` in src/dms/wire.ts, each item through `readInstance`. */
export const LIST_PAGE: ModelSpec = {
  model: ListInstancesResponse,
  pkg: 'kafka',
  fields: { instances: { arrayOf: INSTANCE }, instanceNum: 'count' },
};

/** ShowInstance: the instance itself, as `shownInstance` in src/dms/answers.ts reads it. */
export const SHOWN: ModelSpec = {
  model: ShowInstanceResponse,
  pkg: 'kafka',
  fields: INSTANCE_FIELDS,
};

/** BatchRestartOrDeleteInstances: `actionResultSchema` in src/dms/wire.ts. */
export const ACTION_RESULT: ModelSpec = {
  model: BatchRestartOrDeleteInstanceRespResults,
  pkg: 'kafka',
  fields: { result: { oneOf: ['success', 'failed'] }, instance: 'string' },
};

export const ACTION: ModelSpec = {
  model: BatchRestartOrDeleteInstancesResponse,
  pkg: 'kafka',
  fields: { results: { arrayOf: ACTION_RESULT } },
};

/** A broker: `clusterSchema` in src/dms/kafka.ts (`broker_id`, `is_health`, `register_time`). */
export const BROKER: ModelSpec = {
  model: ShowClusterRespClusterBrokers,
  pkg: 'kafka',
  fields: { brokerId: 'string', isHealth: 'boolean', registerTime: 'count' },
};

/** ShowCluster's counts: `clusterSchema` in src/dms/kafka.ts, read by src/plan/preflight.ts. */
export const CLUSTER: ModelSpec = {
  model: ShowClusterRespCluster,
  pkg: 'kafka',
  fields: {
    brokers: { arrayOf: BROKER },
    partitionsCount: 'count',
    onlinePartitionsCount: 'count',
    replicasCount: 'count',
    isrReplicasCount: 'count',
  },
};

export const SHOW_CLUSTER: ModelSpec = {
  model: ShowClusterResponse,
  pkg: 'kafka',
  fields: { cluster: { model: CLUSTER } },
};

/** A topic: `topicsPageSchema` in src/dms/kafka.ts. */
export const TOPIC: ModelSpec = {
  model: TopicEntity,
  pkg: 'kafka',
  fields: { name: 'string', replication: 'count' },
};

/** ListInstanceTopics: `total` and each topic's name and replication factor. */
export const TOPICS_PAGE: ModelSpec = {
  model: ListInstanceTopicsResponse,
  pkg: 'kafka',
  fields: { total: 'count', topics: { arrayOf: TOPIC } },
};

/** KeystoneListProjects: `projectsAnswer` in src/iam/iam.ts. */
export const PROJECT: ModelSpec = {
  model: ProjectResult,
  pkg: 'iam',
  fields: { id: 'string', name: 'string', domainId: 'string' },
};

export const PROJECTS: ModelSpec = {
  model: KeystoneListProjectsResponse,
  pkg: 'iam',
  fields: { projects: { arrayOf: PROJECT } },
};

/** AssumeAgency (`assume_role`): `credentialAnswer` in src/iam/iam.ts. */
export const CREDENTIAL: ModelSpec = {
  model: Credential,
  pkg: 'iam',
  fields: { access: 'string', secret: 'string', securitytoken: 'string', expiresAt: 'time' },
};

export const ASSUMED: ModelSpec = {
  model: CreateTemporaryAccessKeyByAgencyResponse,
  pkg: 'iam',
  fields: { credential: { model: CREDENTIAL } },
};

/** Every spec above, for the check that each field is declared by its official model. */
export const ALL_SPECS: Record<string, ModelSpec> = {
  TAG,
  INSTANCE,
  LIST_PAGE,
  SHOWN,
  ACTION_RESULT,
  ACTION,
  BROKER,
  CLUSTER,
  SHOW_CLUSTER,
  TOPIC,
  TOPICS_PAGE,
  PROJECT,
  PROJECTS,
  CREDENTIAL,
  ASSUMED,
};
