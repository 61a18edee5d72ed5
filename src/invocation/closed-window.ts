import type { DmsClient } from '../dms/client';
import { InstanceStatus } from '../dms/status';
import type { Clock } from '../exec/clock';
import { justClosed, utc } from '../plan/campaign';
import { earlierOf } from '../plan/earlier';
import { holdsAmong } from '../plan/hold';
import { selectInstances } from '../plan/select';
import type { Policy } from '../policy/resolve';
import type { Report } from '../report/report';

/**
 * In the hour after a window closed, one listing (no write): the selected
 * instances that window left not restarted, on hold, or not back to RUNNING go into the summary,
 * which fails the run. So an unfinished campaign always raises an alarm,
 * whatever its cutoff and however its last runs ended.
 */
export async function lookBack(
  dms: DmsClient,
  clock: Clock,
  report: Report,
  policy: Policy,
): Promise<void> {
  const now = clock.now();
  const period = justClosed(policy, now);
  if (!period?.window) return;
  const listed = await dms.listInstances();
  const selection = selectInstances(listed, policy, { now, period });
  const held = holdsAmong(selection.candidates.map((c) => c.instance));
  // Restarted in that window and not back: a restart its last run could not see through.
  const notBack = [...earlierOf(selection.candidates), ...(selection.markedOutside ?? [])]
    .map((e) => e.instance)
    .filter((i) => i.status !== InstanceStatus.Running);
  const left = [...selection.eligible, ...held.map((h) => h.instance), ...notBack];
  report.setListed(listed.length);
  report.setCampaign({
    windowClosed: utc(period.window.closesAt),
    ...(left.length > 0 ? { unfinished: left.map((i) => `${i.name} (${i.instance_id})`) } : {}),
  });
}
