import { type ConfigIssue, cut } from '../../src/errors';
import { campaignRuns } from '../../src/plan/forecast';
import type { Policy } from '../../src/policy/resolve';
import { plural } from '../plural';
import { duration, HORIZON_WEEKS, inBoth, timerFit } from './fit';

export interface TimerWindowInput {
  /** Where the timer is declared, for the message. */
  at: string;
  policy: Policy;
  /** Six fields, seconds first, without CRON_TZ. */
  cron: string;
  /** The zone the timer runs in. */
  zone: string;
  /** The function's timeout, which bounds one run. */
  timeoutS: number;
  now: number;
}

/**
 * A windowed policy's timer against its window, over the next
 * {@link HORIZON_WEEKS} weeks: an error when it never fires inside an open
 * window before the cutoff (the campaign would silently do nothing, week
 * after week); a warning when it fires inside too few times to finish a
 * campaign of `maxInstances` in one window.
 */
export function timerWindowCheck(o: TimerWindowInput): { issue?: ConfigIssue; warning?: string } {
  const w = o.policy.window;
  if (!w) return {};
  const fit = timerFit(w, o.cron, o.zone, o.now);
  const tz = w.timezone;
  if (fit.cutShort) {
    // Nothing can be said of a timer whose firings could not be worked out: never an error.
    return {
      warning: `${o.at}: policy ${o.policy.name}: the firings of "${cut(o.cron)}" in ${o.zone} could not be worked out past ${inBoth(fit.cutShort.after, o.zone, 'UTC')} (${cut(fit.cutShort.why)}); whether it fires inside the window often enough is not checked`,
    };
  }
  const shape = `${w.days.join(',')} ${w.start}-${w.end} ${tz}${w.cutoffMinutes ? `, cutoff ${w.cutoffMinutes} min` : ''}`;
  if (fit.inside === 0) {
    const fires = fit.next.map((t) => inBoth(t, o.zone, tz)).join('; ');
    const opens = inBoth(fit.nextOpening.opensAt, tz, o.zone);
    const long = duration(fit.nextOpening.closesAt - fit.nextOpening.opensAt);
    return {
      issue: {
        path: o.at,
        message: [
          `policy ${o.policy.name}: the timer "${cut(o.cron)}" (${o.zone}) never fires inside the window (${shape}) in the next ${HORIZON_WEEKS} weeks: the campaign would never restart anything`,
          `    the timer fires: ${fires || 'never'}`,
          `    the window opens: ${opens}, for ${long}`,
        ].join('\n'),
      },
    };
  }
  const { runs: needed, wavesPerRun } = campaignRuns(
    o.policy,
    o.policy.maxInstances,
    o.timeoutS * 1000,
  );
  if (fit.fewestInside >= needed) return {};
  return {
    warning: `${o.at}: policy ${o.policy.name}: the timer fires inside a window only ${times(fit.fewestInside)}, and a campaign of up to ${plural(o.policy.maxInstances, 'instance')} (batchSize ${o.policy.batchSize}, ${plural(wavesPerRun, 'wave')} a run at timeout ${o.timeoutS} s) needs ${plural(needed, 'run')} to finish in one window; the rest waits for a later window`,
  };
}

const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

/**
 * For `plan --deploy`: whether the deployed timers give a campaign the runs
 * its forecast needs inside each window.
 */
export function timerLines(
  timers: readonly TimerWindowInput[],
  policy: Policy,
  runsNeeded: number,
): string[] {
  const w = policy.window;
  const mine = timers.filter((t) => t.policy.name === policy.name);
  if (mine.length === 0)
    return [`timers: none in the deploy files for ${policy.name}; no run would start`];
  if (!w)
    return mine.map((t) => `timer ${t.at}: "${cut(t.cron)}"; no window, so every firing may act`);
  return mine.map((t) => {
    const fit = timerFit(w, t.cron, t.zone, t.now);
    if (fit.inside === 0) {
      return `timer ${t.at}: never fires inside the window in the next ${HORIZON_WEEKS} weeks; this campaign would restart nothing (validate --deploy shows when it fires)`;
    }
    const enough =
      fit.fewestInside >= runsNeeded ? 'enough' : 'NOT enough: the rest waits for a later window';
    return `timer ${t.at}: fires inside ${fit.served} of the next ${fit.occurrences} windows, at least ${times(fit.fewestInside)} in each it serves; this campaign needs ${runsNeeded}: ${enough}`;
  });
}
