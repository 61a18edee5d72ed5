import type { SimInstance } from '../../simulator';

let n = 0;

/** A hand-made instance for a test fleet; ids are readable on purpose. */
export function mk(
  id: string,
  name: string,
  status: string,
  tags: Record<string, string> = {},
): SimInstance {
  n++;
  return {
    instance_id: id,
    name,
    engine: 'kafka',
    engine_version: '3.x',
    status,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    created_at: String(1_760_000_000_000 + n * 60_000),
    specification: '100MB',
    enterprise_project_id: '0',
    type: 'cluster',
    storage_space: 600,
  };
}

/** `count` RUNNING staging instances opted in to restarts. */
export function staging(count: number, prefix = 'stg'): SimInstance[] {
  return Array.from({ length: count }, (_, i) =>
    mk(`${prefix}-${String(i).padStart(3, '0')}`, `kafka-${prefix}-${i}`, 'RUNNING', {
      env: 'staging',
      'restart-window': 'any',
    }),
  );
}

export const RESTART_POLICY = `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  restart:
    action: restart
    dryRun: false
    select:
      tags: { env: staging, restart-window: [sun-0200, any] }
    batchSize: 10
    maxInstances: 50
`;

/** A tag-scoped cleanup: failed instances tagged env=dev, deleted by id. */
export const DEV_CLEANUP_POLICY = `version: 1
policies:
  dev-cleanup:
    action: cleanup-failed
    dryRun: false
    select: { tags: { env: dev } }
`;

/** A cleanup that excludes nothing and selects nothing: it may use all_failure. */
export const ALL_FAILURE_POLICY = `version: 1
policies:
  cleanup:
    action: cleanup-failed
    dryRun: false
`;

/** A cleanup that excludes protected instances: always by id. */
export const CLEANUP_POLICY = `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  cleanup:
    action: cleanup-failed
    dryRun: false
`;
