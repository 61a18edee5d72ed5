import { readFileSync } from 'node:fs';
import { normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cronProblem, timerNameProblem } from '../../cli/deploy/cron';
import { PACKAGE } from '../../scripts/pack';
import { loadPolicyFile } from '../../src/policy/load';

interface TimerEvent {
  triggerTypeCode: string;
  status?: string;
  eventData: { name: string; scheduleType: string; schedule: string; userEvent: string };
}
interface ServerlessFile {
  provider: Record<string, unknown> & {
    environment?: { variables?: Record<string, string> };
  };
  package?: unknown;
  functions: Record<
    string,
    { handler: string; code?: { codeUri?: string }; events: TimerEvent[] } & Record<string, unknown>
  >;
}

const text = readFileSync('serverless.yml', 'utf8');
const file = parse(text) as ServerlessFile;
const functions = Object.values(file.functions);
const timers = functions.flatMap((f) => f.events);

describe('serverless.yml (serverless-huawei-functions)', () => {
  it('deploys index.handler on Node.js 20.15 for 900 s', () => {
    expect(file.provider).toMatchObject({ name: 'huawei', runtime: 'Node.js20.15', timeout: 900 });
    expect(functions.map((f) => f.handler)).toEqual(['index.handler']);
  });

  it('names the agency with a key the plugin reads (agencyName or xrole), never agency', () => {
    for (const where of [file.provider, ...functions]) expect(where).not.toHaveProperty('agency');
    const agency = file.provider.agencyName ?? file.provider.xrole;
    expect(agency).toBe('dms-kafka-maintenance');
  });

  it('asks for at most one instance, in the plugin own spelling', () => {
    expect(file.provider.concurreny).toBe(1);
  });

  it('zips the folder npm run package writes, with no reliance on package.patterns', () => {
    expect(file.package).toBeUndefined();
    for (const f of functions) expect(normalize(f.code?.codeUri ?? './src')).toBe(PACKAGE.codeDir);
  });

  it('sets no POLICY_FILE: the function reads policies.yaml from its code root', () => {
    expect(Object.keys(file.provider.environment?.variables ?? {})).toEqual(['DMS_REGION']);
    expect(text).not.toMatch(/^\s*POLICY_FILE:/m);
  });

  it('has one TIMER per policy, each naming a policy that exists', async () => {
    const policies = await loadPolicyFile('policies.yaml');
    for (const t of timers) {
      expect(t).toMatchObject({ triggerTypeCode: 'TIMER', status: 'ACTIVE' });
      expect(policies.has(t.eventData.userEvent), t.eventData.userEvent).toBe(true);
      expect(timerNameProblem(t.eventData.name)).toBeUndefined();
    }
    expect(timers.map((t) => t.eventData.userEvent).sort()).toEqual([...policies.keys()].sort());
  });

  it('uses well-formed, seconds-first cron expressions with a pinned time zone', () => {
    for (const t of timers) {
      expect(t.eventData.scheduleType).toBe('Cron');
      expect(t.eventData.schedule).toMatch(/^CRON_TZ=\S+ /);
      expect(cronProblem(t.eventData.schedule)).toBeUndefined();
    }
  });

  it('tells a malformed schedule from a good one', () => {
    expect(cronProblem('0 0 2 ? * SUN')).toBeUndefined();
    expect(cronProblem('CRON_TZ=Europe/Paris 0 30 1 * * ?')).toBeUndefined();
    expect(cronProblem('0 2 * * *')).toMatch(/6 fields/);
    expect(cronProblem('61 0 2 * * ?')).toMatch(/59/);
    expect(cronProblem('CRON_TZ=Mars/Olympus 0 0 2 * * ?')).toMatch(/time zone/);
    expect(timerNameProblem('9-lives')).toMatch(/starts with a letter/);
  });
});
