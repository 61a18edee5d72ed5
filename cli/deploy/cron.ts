import { CronExpressionParser } from 'cron-parser';
import { isTimeZone } from '../../src/policy/window';

/**
 * A FunctionGraph TIMER cron schedule: six fields, seconds first,
 * optionally after `CRON_TZ=<zone> `. Returns the problem, or undefined
 * when well formed.
 */
export function cronProblem(schedule: string): string | undefined {
  const m = /^(?:CRON_TZ=(\S+)\s+)?(.+)$/.exec(schedule.trim());
  const [, tz, expr = ''] = m ?? [];
  if (tz) {
    const problem = timeZoneProblem(tz);
    if (problem) return problem;
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 6) return `expected 6 fields (seconds first), got ${fields.length}`;
  try {
    CronExpressionParser.parse(expr, tz ? { tz } : {});
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** Whether `tz` is an IANA zone name this Node.js knows, as a policy's window zone must be. */
export function timeZoneProblem(tz: string): string | undefined {
  return isTimeZone(tz) ? undefined : `unknown time zone ${tz}`;
}

/** FunctionGraph timer names: a letter first, then letters, digits, _ and -, 64 at most. */
export function timerNameProblem(name: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)
    ? undefined
    : `${name}: a timer name starts with a letter and holds letters, digits, _ and -, 64 at most`;
}
