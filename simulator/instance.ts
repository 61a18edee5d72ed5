/** Building complete instance records from the few fields that matter to a test. */
import type { SimInstance, SimTag } from './types';

/** 2026-01-01T00:00:00Z: the default creation time. */
export const FLEET_EPOCH_MS = Date.UTC(2026, 0, 1);

const SPECS = [
  { specification: '100MB', storage_space: 600, partition_num: '300', code: 'c3.mini' },
  { specification: '300MB', storage_space: 1200, partition_num: '900', code: 'c3.small.2' },
  { specification: '600MB', storage_space: 2400, partition_num: '1800', code: 'c3.middle.2' },
  { specification: '1200MB', storage_space: 4800, partition_num: '1800', code: 'c3.high.2' },
] as const;

function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function tagsOf(map: Record<string, string>): SimTag[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

/** A realistic instance; every field not given is derived from the id. */
export function makeInstance(
  fields: Pick<SimInstance, 'instance_id' | 'name'> & Partial<SimInstance>,
): SimInstance {
  const h = hashOf(fields.instance_id);
  const spec = SPECS[h % SPECS.length] ?? SPECS[0];
  const subnet = (h >>> 8) % 250;
  const hosts = [10, 11, 12].map((n) => `192.168.${subnet}.${n + ((h >>> 16) % 200)}`);
  return {
    engine: 'kafka',
    engine_version: (h >>> 4) % 4 === 0 ? '2.7' : '3.x',
    status: 'RUNNING',
    tags: [],
    created_at: String(FLEET_EPOCH_MS - (h % 31_536_000) * 1000),
    specification: spec.specification,
    enterprise_project_id: '0',
    type: 'cluster',
    storage_space: spec.storage_space,
    description: '',
    charging_mode: 1,
    port: 9092,
    connect_address: hosts.join(','),
    partition_num: spec.partition_num,
    broker_num: 3,
    storage_spec_code: 'dms.physical.storage.ultra.v2',
    resource_spec_code: `dms.instance.kafka.cluster.${spec.code}`,
    maintain_begin: '02:00:00',
    maintain_end: '06:00:00',
    ...fields,
  };
}
