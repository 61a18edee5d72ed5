import { RESTART_IN_PROGRESS } from '../dms/status';
import { Outcome } from '../report/records';
import type { WriteKind } from './kind';

export const restartKind: WriteKind = {
  verb: 'restart',
  operation: 'RestartInstances',
  success: Outcome.Restarted,
  send: (dms, ids) => dms.restartInstances(ids),
  // A restart lasts 3-15 minutes: one that took still shows it seconds later.
  tookEffect: (f) => 'instance' in f && RESTART_IN_PROGRESS.has(f.instance.status),
  // DMS shows RESTARTING only seconds after it takes a restart.
  showsLate: true,
};
