/** Public types of the DMS for Kafka simulator. Wire shapes are snake_case, as DMS sends them. */

export interface SimTag {
  key: string;
  value: string;
}

export interface SimInstance {
  instance_id: string;
  name: string;
  /** `kafka`; anything else is a listing answer DMS should not give, for tests. */
  engine: string;
  engine_version: string;
  status: string;
  tags: SimTag[];
  /** Epoch milliseconds, as a string. */
  created_at: string;
  /** Start of the instance's DMS maintenance window, `HH:MM:SS`; default `02:00:00`. */
  maintain_begin?: string;
  /** End of the instance's DMS maintenance window, `HH:MM:SS`; default `06:00:00`. */
  maintain_end?: string;
  specification: string;
  enterprise_project_id: string;
  type: string;
  storage_space: number;
  description?: string;
  /** 0 yearly/monthly, 1 pay-per-use. */
  charging_mode?: number;
  port?: number;
  connect_address?: string;
  partition_num?: string;
  broker_num?: number;
  storage_spec_code?: string;
  resource_spec_code?: string;
}

import type { SimPolicy } from './grants';
import type { SimKafka } from './kafka';

export type { SimPolicy, SimStatement } from './grants';
export type { ShowClusterField, SimKafka, SimTopic } from './kafka';

export type RouteName =
  | 'listInstances'
  | 'showInstance'
  | 'instanceAction'
  | 'showTags'
  | 'tagAction'
  | 'projectTags'
  /** ShowRecycleInstances: the project's recycle bin. */
  | 'showRecycle'
  /** ShowCluster: brokers, partitions online, replicas in sync. */
  | 'showCluster'
  /** ListInstanceTopics, paged. */
  | 'listTopics'
  /** SMN's PublishMessage, served beside DMS so one simulator covers both. */
  | 'publish'
  /** STS's AssumeAgency (`POST /v5/agencies/assume`): keys for an agency in another account. */
  | 'assumeAgency'
  /** IAM v3's assume_role (`POST /v3.0/OS-CREDENTIAL/securitytokens`): the same, by account name. */
  | 'createTemporaryAccessKeyByAgency'
  /** IAM's KeystoneListProjects, by name. */
  | 'listProjects';

/** A message SMN accepted for a topic. */
export interface PublishedMessage {
  topicUrn: string;
  subject?: string;
  message: string;
  messageId: string;
  /** When it arrived, by the simulator's clock. */
  at: number;
}

export interface RecordedRequest {
  seq: number;
  /** When the request arrived, by the simulator's clock. */
  at: number;
  method: string;
  /** Raw path as received, without the query string. */
  path: string;
  route: RouteName | 'unknown';
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none or it was not JSON. */
  body: unknown;
  signatureValid: boolean;
  authError?: string;
  /** The account (domain id) of the key the request named, when IAM knows the key. */
  account?: string;
  /** Status actually sent; 0 when the connection was dropped or left hanging. */
  status: number;
  fault?: string;
}

export type FaultKind =
  | { kind: 'throttle'; retryAfterSeconds?: number }
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  | { kind: 'busy' }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'drop-mid-body' }
  | { kind: 'lost-response' }
  | { kind: 'malformed-json' }
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  /** A 3xx with this `Location`; the request is not applied. */
  | { kind: 'redirect'; status: 301 | 302 | 307 | 308; location: string }
  /**
   * An error whose message repeats the request headers it received,
   * Authorization and X-Security-Token included: `error_msg` in the DMS shape,
   * `error.message` in API Gateway's newer `{error: {code, message}}` shape.
   */
  | { kind: 'echo-headers'; status: number; shape: 'dms' | 'apig' }
  /**
   * Per-id outcomes of a batch action: `failIds` answer failed without acting,
   * `omitIds` are left out of the answer without acting, `omitAppliedIds` are
   * acted on but left out of the answer.
   */
  | {
      kind: 'results';
      failIds?: string[];
      omitIds?: string[];
      omitAppliedIds?: string[];
      /** Answered success, and never carried out: the restart DMS took and then dropped. */
      ignoreIds?: string[];
    }
  /**
   * The call is handled normally, and its JSON answer is then rewritten by
   * `edit` before it is sent: another instance's id, another engine, a tag
   * key twice, an `error_code` in a 200. Returning undefined sends no body.
   */
  | { kind: 'rewrite'; status?: number; edit: (body: unknown) => unknown }
  /** Runs `apply` (a change to the fleet) just before the call is handled normally. */
  | { kind: 'mutate'; apply: () => void }
  /**
   * Answered as if carried out, and nothing changes: a tag call's 204 with
   * the tags as they were, a write that did not take.
   */
  | { kind: 'not-applied' };

export type FaultSpec = {
  route: RouteName | '*';
  /** How many matching calls the fault fires on; default 1, Infinity allowed. */
  times?: number;
  /** Let this many matching calls through before firing. */
  after?: number;
} & FaultKind;

export interface SimulatorOptions {
  fleet?: SimInstance[];
  projectId?: string;
  ak?: string;
  sk?: string;
  /** When set, X-Security-Token must equal it. */
  securityToken?: string;
  host?: string;
  port?: number;
  /** RESTARTING -> RUNNING after this many ms; default 2000. */
  restartDelayMs?: number;
  /**
   * DMS accepts a restart and shows RESTARTING only a little later: for this
   * many ms (on the fleet's clock) the instance keeps its status, and another
   * restart of it is refused. Default 300; 0 is RESTARTING at once.
   */
  restartOnsetMs?: number;
  /** Each instance's Kafka, by id; an instance not named gets a healthy default. */
  kafka?: Record<string, Partial<SimKafka>>;
  /** After a restart, the last broker's replicas catch up for this long; default 0. */
  isrRecoveryMs?: number;
  /** DELETING -> removed after this many ms; default 1000. */
  deleteDelayMs?: number;
  /**
   * The project keeps a recycle bin: a delete without `force_delete: true`
   * leaves the instance with status RECYCLE after the delete delay, as DMS
   * does where the bin is on. Default false.
   */
  recycleBin?: boolean;
  /** Answer to `all_failure` deletes: 204 without a body (default) or 200 with results. */
  allFailureResponse?: 204 | 200;
  /**
   * ListInstances still lists instances DELETING or in the recycle bin. Default
   * false: as DMS, they leave the listing, and only ShowInstance answers them.
   */
  deletingListed?: boolean;
  /**
   * A restart of an instance in a state DMS cannot restart is answered `failed`
   * for that instance. Default false: as DMS, the whole call is refused, `400
   * DMS.00400026`, and nothing restarts.
   */
  restartRefusedPerInstance?: boolean;
  /** Clock for X-Sdk-Date checks and request times; default Date.now. */
  now?: () => number;
  /**
   * Every request waits this long before it is handled, as if the network
   * and DMS took that long; default 0. Change it with `setLatency`.
   */
  latencyMs?: number;
  /**
   * The fleet's clock: when restarts and deletes finish. Default Date.now.
   * A test that moves time gives the simulator the clock the handler gets,
   * so a 10-minute restart is over as soon as the clock says so.
   */
  fleetClock?: () => number;
  /**
   * Which documented rules the tags route enforces. `newer` (default): key
   * 1-128 and value 0-255 characters, letters, digits, spaces and `_.:=+-@`,
   * key not starting with `sys`. `older`: key at most 36 and value at most 43
   * characters, neither holding `=*<>,|/` or control characters.
   */
  tagRules?: TagRules;
  /**
   * Further accounts, each with its projects, fleets and agencies. The
   * simulator's own keys belong to `domainId` (default `DEMO_DOMAIN_ID`),
   * whose project is `projectId`; IAM issues keys for the agencies.
   */
  organization?: SimOrganization;
}

/** Accounts beside the simulator's own, for runs across accounts. */
export interface SimOrganization {
  /** The account the simulator's own keys belong to. */
  domainId?: string;
  accounts: SimAccount[];
  /** Issued keys expire after at most this long, whatever was asked. */
  maxKeyLifeMs?: number;
  /**
   * The policies attached to the simulator's own keys, as the function's
   * agency holds them: IAM and STS then refuse what they do not grant
   * (grants.ts). Absent: the keys are the account's own, which may call
   * every API.
   */
  callerPolicies?: SimPolicy[];
}

export interface SimAccount {
  domainId: string;
  /** Default: the domain id. */
  domainName?: string;
  projects: Array<{
    region: string;
    projectId: string;
    fleet?: SimInstance[];
    kafka?: Record<string, Partial<SimKafka>>;
  }>;
  /**
   * Agencies in this account, each trusting one account (domain id). An
   * agency with `issuesKeysOf` hands out keys of that account instead of this
   * one, as a misrouted agency would.
   */
  agencies?: Array<{
    name: string;
    trusts: string;
    issuesKeysOf?: string;
    /** STS's longest session for it (default 3600, up to 43200). */
    maxSessionSeconds?: number;
  }>;
}

export type TagRules = 'newer' | 'older';
