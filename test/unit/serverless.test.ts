import { readFileSync } from 'node:fs';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPolicyFile } from '../../src/policy/load';

interface TimerEvent {
  triggerTypeCode: string;
  eventData: { name: string; scheduleType: string; schedule: string; userEvent: string };
}
interface ServerlessFile {
  provider: { name: string; runtime: string; agency?: string };
  functions: Record<string, { handler: string; events: TimerEvent[] }>;
}

const file = parse(readFileSync('serverless.yml', 'utf8')) as ServerlessFile;
const timers = Object.values(file.functions).flatMap((f) => f.events);

/**
 * FunctionGraph cron: six fields, seconds first, optionally after
 * `CRON_TZ=<zone> `. Returns the problem, or undefined when well formed.
 */
function cronProblem(schedule: string): string | undefined {
  const m = /^(?:CRON_TZ=(\S+)\s+)?(.+)$/.exec(schedule.trim());
  const [, tz, expr = ''] = m ?? [];
  if (tz) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      return `unknown time zone ${tz}`;
    }
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

describe('serverless.yml', () => {
  it('deploys index.handler on Node.js 20.15 with an agency', () => {
    expect(file.provider).toMatchObject({ name: 'huawei', runtime: 'Node.js20.15' });
    expect(file.provider.agency).toBeTruthy();
    expect(Object.values(file.functions).map((f) => f.handler)).toEqual(['index.handler']);
  });

  it('has one TIMER per policy, each naming a policy that exists', async () => {
    const policies = await loadPolicyFile('policies.yaml');
    expect(timers.every((t) => t.triggerTypeCode === 'TIMER')).toBe(true);
    for (const t of timers) expect(policies.has(t.eventData.userEvent)).toBe(true);
    expect(timers.map((t) => t.eventData.userEvent).sort()).toEqual([...policies.keys()].sort());
  });

  it('uses well-formed seconds-first cron expressions', () => {
    for (const t of timers) {
      expect(t.eventData.scheduleType).toBe('Cron');
      expect(cronProblem(t.eventData.schedule)).toBeUndefined();
    }
  });

  it('tells a malformed schedule from a good one', () => {
    expect(cronProblem('0 0 2 ? * SUN')).toBeUndefined();
    expect(cronProblem('CRON_TZ=Europe/Paris 0 30 1 * * ?')).toBeUndefined();
    expect(cronProblem('0 2 * * *')).toMatch(/6 fields/);
    expect(cronProblem('61 0 2 * * ?')).toMatch(/59/);
    expect(cronProblem('CRON_TZ=Mars/Olympus 0 0 2 * * ?')).toMatch(/time zone/);
  });
});
