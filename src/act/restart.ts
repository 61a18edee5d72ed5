import { RESTART_IN_PROGRESS } from '../dms/status';
import { reRegistration } from '../plan/evidence';
import { Outcome } from '../report/records';
import { readKafka } from './kafka-checks';
import type { WriteKind } from './kind';

export const restartKind: WriteKind = {
  verb: 'restart',
  operation: 'RestartInstances',
  success: Outcome.Restarted,
  send: (dms, ids) => dms.restartInstances(ids),
  // A restart lasts 3-15 minutes: one that took still shows it seconds later;
  // one that came and went already left its brokers registered again.
  tookEffect: (f) =>
    'instance' in f && (RESTART_IN_PROGRESS.has(f.instance.status) || f.reRegistered === true),
  // DMS shows RESTARTING only seconds after it takes a restart.
  showsLate: true,
};

/**
 * A restart that also takes the brokers' word for it: an instance any of
 * whose brokers registered again since `registered` (read before its mark)
 * has restarted, whatever its status shows, and is never sent again.
 */
export function restartWithEvidence(registered: ReadonlyMap<string, number>): WriteKind {
  if (registered.size === 0) return restartKind;
  return {
    ...restartKind,
    async evidence(ctx, instances) {
      const known = instances.filter((i) => registered.has(i.instance_id));
      const shown = new Set<string>();
      if (known.length === 0) return shown;
      const reads = await readKafka(ctx.dms, known, false);
      for (const i of known) {
        const r = reRegistration(reads.get(i.instance_id)?.cluster, registered.get(i.instance_id));
        if (r === 'all' || r === 'some') shown.add(i.instance_id);
      }
      return shown;
    },
  };
}
