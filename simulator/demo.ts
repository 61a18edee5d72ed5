/**
 * demoFleet: a hand-made project that exercises the example policy file
 * (nightly-failed-cleanup and weekly-staging-restart), traps included.
 */
import { FLEET_EPOCH_MS, makeInstance, tagsOf } from './instance';
import type { SimInstance, SimKafka, SimOrganization } from './types';

/** Fixed, UUID-shaped ids: `5a1e00NN-7c3b-4d2a-9f10-0000000000NN`. */
export function demoId(n: number): string {
  const two = String(n).padStart(2, '0');
  return `5a1e00${two}-7c3b-4d2a-9f10-0000000000${two}`;
}

const STG = { env: 'staging' };
const PROD = { env: 'production' };
const DEV = { env: 'dev' };
const PROTECT = { 'maintenance-protect': 'true' };

type Row = [name: string, status: string, tags: Record<string, string>, note: string];

const ROWS: Row[] = [
  // weekly-staging-restart: restarted
  ['kafka-stg-orders-01', 'RUNNING', { ...STG, team: 'orders', 'restart-window': 'sun-0200' }, ''],
  [
    'kafka-stg-payments-02',
    'RUNNING',
    { ...STG, team: 'payments', 'restart-window': 'sun-0200' },
    '',
  ],
  ['kafka-stg-search-03', 'RUNNING', { ...STG, team: 'search', 'restart-window': 'any' }, ''],
  [
    'kafka-stg-inventory-04',
    'RUNNING',
    { ...STG, team: 'logistics', 'restart-window': 'sun-0200' },
    '',
  ],
  ['kafka-stg-events-05', 'RUNNING', { ...STG, team: 'platform', 'restart-window': 'any' }, ''],
  // matches the selector, excluded by maintenance-protect
  [
    'kafka-stg-billing-06',
    'RUNNING',
    { ...STG, team: 'payments', 'restart-window': 'sun-0200', ...PROTECT },
    'protected',
  ],
  // match the tags and name but not the status: skipped
  [
    'kafka-stg-audit-07',
    'RESTARTING',
    { ...STG, team: 'platform', 'restart-window': 'sun-0200' },
    'already restarting',
  ],
  [
    'kafka-stg-notify-08',
    'CREATING',
    { ...STG, team: 'growth', 'restart-window': 'any' },
    'still being created',
  ],
  [
    'kafka-stg-ledger-09',
    'ERROR',
    { ...STG, team: 'payments', 'restart-window': 'sun-0200' },
    'faulty',
  ],
  // do not match the selector
  [
    'kafka-stg-reports-10',
    'RUNNING',
    { ...STG, team: 'data', 'restart-window': 'sat-0300' },
    'other window',
  ],
  [
    'kafka-staging-legacy-01',
    'RUNNING',
    { ...STG, team: 'orders', 'restart-window': 'sun-0200' },
    'name outside kafka-stg-*',
  ],
  [
    'kafka-prod-orders-01',
    'RUNNING',
    { ...PROD, team: 'orders', 'restart-window': 'sun-0200' },
    '',
  ],
  ['kafka-prod-payments-02', 'RUNNING', { ...PROD, team: 'payments', 'restart-window': 'any' }, ''],
  [
    'kafka-prod-search-03',
    'RUNNING',
    { ...PROD, team: 'search', 'restart-window': 'sat-0300' },
    '',
  ],
  [
    'kafka-prod-ledger-04',
    'ERROR',
    { ...PROD, team: 'payments', 'restart-window': 'sun-0200' },
    '',
  ],
  ['kafka-dev-sandbox-01', 'RUNNING', { ...DEV, team: 'platform', 'restart-window': 'any' }, ''],
  [
    'kafka-dev-playground-02',
    'RUNNING',
    { ...DEV, team: 'growth', 'restart-window': 'sun-0200' },
    '',
  ],
  ['kafka-shared-misc-01', 'RUNNING', {}, 'untagged'],
  // nightly-failed-cleanup
  ['kafka-stg-orders-failed-11', 'CREATEFAILED', { ...STG, team: 'orders' }, ''],
  ['kafka-dev-scratch-03', 'CREATEFAILED', { ...DEV, team: 'data' }, ''],
  [
    'kafka-prod-analytics-05',
    'CREATEFAILED',
    { ...PROD, team: 'data', ...PROTECT },
    'failed but protected',
  ],
  ['kafka-prod-archive-06', 'FROZEN', { ...PROD, team: 'data', 'restart-window': 'any' }, 'frozen'],
];

export function demoFleet(): SimInstance[] {
  return ROWS.map(([name, status, tags, note], i) =>
    makeInstance({
      instance_id: demoId(i + 1),
      name,
      status,
      tags: tagsOf(tags),
      description: note,
      // One hour apart, newest first in list order.
      created_at: String(FLEET_EPOCH_MS - (i + 1) * 3_600_000),
    }),
  );
}

/**
 * The demo fleet's Kafka, where it is not the healthy default: a staging
 * instance with a topic of one replica, and one whose replicas are out of
 * sync before anything happens. The pre-flight skips both.
 */
export function demoKafka(): Record<string, Partial<SimKafka>> {
  return {
    [demoId(2)]: {
      topics: [
        { name: 'payments', replication: 3, partitions: 12 },
        { name: 'payments-audit-log', replication: 1, partitions: 3 },
      ],
    },
    [demoId(4)]: { outOfSync: 12 },
  };
}

/** The demo organization's member accounts: ids, regions, projects. */
export const DEMO_ACCOUNTS = [
  {
    name: 'payments-prod',
    domainId: 'e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1',
    projects: {
      'cn-north-4': 'e1000000000000000000000000000001',
      'ap-southeast-1': 'e1000000000000000000000000000002',
    },
    env: 'production',
  },
  {
    name: 'search-staging',
    domainId: 'f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2',
    projects: { 'cn-north-4': 'f2000000000000000000000000000001' },
    env: 'staging',
  },
  {
    // No agency: the demo's account that cannot be entered.
    name: 'legacy-analytics',
    domainId: 'a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9',
    projects: { 'cn-north-4': 'a9000000000000000000000000000001' },
    env: 'production',
  },
] as const;

/** The agency the demo's member accounts have. */
export const DEMO_AGENCY = 'dms-kafka-maintenance';

/**
 * The simulator's own account (the demo fleet) and three member accounts,
 * each region with a few Kafka instances tagged for examples/accounts.yaml.
 * `legacy-analytics` has no agency, so a run shows an account it cannot enter.
 */
export function demoOrganization(homeDomainId: string): SimOrganization {
  return {
    domainId: homeDomainId,
    accounts: DEMO_ACCOUNTS.map((a) => ({
      domainId: a.domainId,
      domainName: a.name,
      projects: Object.entries(a.projects).map(([region, projectId], r) => ({
        region,
        projectId,
        fleet: [0, 1, 2].map((i) =>
          makeInstance({
            instance_id: `${a.domainId.slice(0, 8)}-${r}00${i}-4d2a-9f10-${projectId.slice(-12)}`,
            name: `kafka-${a.name}-${region}-${i + 1}`,
            status: i === 2 && a.env === 'production' ? 'CREATEFAILED' : 'RUNNING',
            tags: tagsOf({ env: a.env, 'restart-window': 'sun-0200' }),
            created_at: String(FLEET_EPOCH_MS - (r * 3 + i) * 86_400_000),
          }),
        ),
      })),
      agencies: a.name === 'legacy-analytics' ? [] : [{ name: DEMO_AGENCY, trusts: homeDomainId }],
    })),
  };
}
