/** generateFleet: a deterministic, realistic fleet of any size. */
import { FLEET_EPOCH_MS, makeInstance } from './instance';
import { Prng } from './prng';
import type { SimInstance, SimTag } from './types';

export interface FleetOptions {
  size: number;
  /** Same seed, same fleet. Default 1. */
  seed?: number;
  /** Instances are created up to a year before this epoch ms. Default 2026-01-01. */
  createdBefore?: number;
  /** Share of instances tagged maintenance-protect=true. Default 0.05. */
  protectedShare?: number;
}

const ENVS = [
  ['staging', 'stg', 40],
  ['production', 'prod', 35],
  ['dev', 'dev', 25],
] as const;

/** Enterprise projects some instances belong to; the rest are in the default project "0". */
export const ENTERPRISE_PROJECTS: Record<string, string> = {
  staging: '6b1d3a52-8c4e-4f0a-9e27-3d5c1b7a9f10',
  production: 'c2e8f4a6-1b3d-4c5e-8f70-9a2b4c6d8e01',
  dev: '4f6a8c0e-2d4b-4a6c-8e0f-1b3d5f7a9c02',
};

const TEAMS = [
  'payments',
  'orders',
  'search',
  'platform',
  'data',
  'identity',
  'logistics',
  'growth',
];
const SERVICES = [
  'orders',
  'payments',
  'billing',
  'ledger',
  'events',
  'audit',
  'search',
  'inventory',
  'notify',
  'clickstream',
  'metrics',
  'sessions',
  'shipping',
  'reports',
  'fraud',
  'catalog',
];
const WINDOWS = [
  ['sun-0200', 40],
  ['sat-0300', 30],
  ['any', 30],
] as const;
const STATUSES = [
  ['RUNNING', 80],
  ['ERROR', 5],
  ['RESTARTING', 3],
  ['CREATING', 3],
  ['CREATEFAILED', 6],
  ['FROZEN', 3],
] as const;

function tagsFor(prng: Prng, env: string, protectedShare: number): SimTag[] {
  if (prng.next() < 0.03) return [];
  const tags: SimTag[] = [
    { key: 'env', value: env },
    { key: 'team', value: prng.pick(TEAMS) },
    { key: 'restart-window', value: prng.weighted(WINDOWS) },
  ];
  if (prng.next() < protectedShare) tags.push({ key: 'maintenance-protect', value: 'true' });
  if (prng.next() < 0.2) tags.push({ key: 'cost-center', value: `cc-${1000 + prng.int(40)}` });
  return tags;
}

export function generateFleet(opts: FleetOptions): SimInstance[] {
  if (!Number.isInteger(opts.size) || opts.size < 0) {
    throw new Error(`fleet size must be a non-negative integer, got ${opts.size}`);
  }
  const prng = new Prng(opts.seed ?? 1);
  const createdBefore = opts.createdBefore ?? FLEET_EPOCH_MS;
  const ids = new Set<string>();
  const counters = new Map<string, number>();
  const fleet: SimInstance[] = [];
  for (let i = 0; i < opts.size; i++) {
    let id = prng.uuid();
    while (ids.has(id)) id = prng.uuid();
    ids.add(id);
    const [env, short] = prng.weighted(ENVS.map(([e, s, w]) => [[e, s] as const, w] as const));
    const service = prng.pick(SERVICES);
    const prefix = `kafka-${short}-${service}`;
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    fleet.push(
      makeInstance({
        instance_id: id,
        name: `${prefix}-${String(n).padStart(2, '0')}`,
        status: prng.weighted(STATUSES),
        tags: tagsFor(prng, env, opts.protectedShare ?? 0.05),
        created_at: String(createdBefore - prng.int(365 * 24 * 3600) * 1000),
        enterprise_project_id: prng.next() < 0.7 ? '0' : (ENTERPRISE_PROJECTS[env] ?? '0'),
      }),
    );
  }
  return fleet;
}
