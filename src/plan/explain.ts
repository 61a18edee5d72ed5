import { FAILED_STATUS, isKnownStatus } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { cut } from '../errors';
import type { Policy } from '../policy/resolve';
import { doneReason, readMark } from './mark';
import { createJudge, type JudgeOptions, namePatterns, type Verdict } from './select';
import { fold, looselyMatches, valueMatches } from './tag-match';

/** One rule of a policy, applied to one instance. */
export interface RuleCheck {
  rule: string;
  /** What the instance showed for it. */
  saw: string;
  holds: boolean;
}

type Want = Parameters<typeof valueMatches>[1];

/**
 * Every rule of the policy applied to one instance, with what it saw and
 * whether the rule holds, and the verdict of the judgement a run uses (so
 * the explanation can never tell another story than the run).
 */
export function explain(
  policy: Policy,
  instance: KafkaInstance,
  judging: JudgeOptions = {},
): { checks: RuleCheck[]; verdict: Verdict } {
  const checks: RuleCheck[] = [];
  const engine = instance.engine;
  checks.push({
    rule: 'engine is Kafka',
    saw: engine === undefined ? '(none; listed as Kafka)' : show(engine),
    holds: engine === undefined || engine.toLowerCase() === 'kafka',
  });
  if (policy.action === 'cleanup-failed') {
    checks.push({
      rule: `status is ${FAILED_STATUS}`,
      saw: show(instance.status),
      holds: instance.status === FAILED_STATUS,
    });
  }
  checks.push(...selectChecks(policy, instance), ...excludeChecks(policy, instance));
  const keys = instance.tags.map((t) => t.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  checks.push({
    rule: 'no tag key appears twice',
    saw: twice === undefined ? 'none twice' : show(twice),
    holds: twice === undefined,
  });
  checks.push(...stateChecks(policy, instance, judging));
  return { checks, verdict: createJudge(policy, judging)(instance) };
}

function selectChecks(policy: Policy, instance: KafkaInstance): RuleCheck[] {
  const out: RuleCheck[] = [];
  for (const [key, want] of Object.entries(policy.select?.tags ?? {}) as [string, Want][]) {
    const last = [...instance.tags].reverse().find((t) => t.key === key)?.value;
    out.push({
      rule: `select.tags ${show(key)} is ${wanted(want)}`,
      saw: last === undefined ? '(no such tag)' : show(last),
      holds: valueMatches(last, want),
    });
  }
  const names = policy.select?.names ?? [];
  if (names.length > 0) {
    out.push({
      rule: `select.names: one of ${names.join(', ')}`,
      saw: show(instance.name),
      holds: namePatterns(names).some((m) => m(instance.name)),
    });
  }
  return out;
}

function excludeChecks(policy: Policy, instance: KafkaInstance): RuleCheck[] {
  return (Object.entries(policy.exclude) as [string, Want][]).map(([key, want]) => {
    const same = instance.tags.filter((t) => fold(t.key) === fold(key));
    const hit = same.find((t) => looselyMatches(t.value, want));
    return {
      rule: `exclude.tags ${show(key)} is not ${wanted(want)} (case, spaces and width ignored)`,
      saw:
        same.length === 0
          ? '(no such tag)'
          : same.map((t) => `${show(t.key)}=${show(t.value)}`).join(', '),
      holds: hit === undefined,
    };
  });
}

function stateChecks(policy: Policy, instance: KafkaInstance, judging: JudgeOptions): RuleCheck[] {
  if (policy.action === 'cleanup-failed') {
    if (policy.minAgeMs <= 0) return [];
    const created = Number(instance.created_at);
    const known =
      Boolean(instance.created_at) && Number.isFinite(created) && judging.now !== undefined;
    const ageH = known ? ((judging.now as number) - created) / 3_600_000 : undefined;
    return [
      {
        rule: `older than minAgeHours ${policy.minAgeMs / 3_600_000}`,
        saw: ageH === undefined ? '(age unknown)' : `${Math.round(ageH * 10) / 10} h old`,
        holds: ageH !== undefined && ageH * 3_600_000 >= policy.minAgeMs,
      },
    ];
  }
  const out: RuleCheck[] = [];
  if (judging.period) {
    const mark = readMark(instance);
    const done = mark && doneReason(mark, judging.period);
    out.push({
      rule: 'not restarted in this period (no mark in it)',
      saw: mark ? `mark ${mark.value}` : 'no mark',
      holds: !done,
    });
  }
  const allowed = policy.select?.status ?? [];
  out.push({
    rule: `status is one of ${allowed.join(', ')} (and one DMS documents)`,
    saw: show(instance.status),
    holds:
      isKnownStatus(instance.status) && (allowed as readonly string[]).includes(instance.status),
  });
  return out;
}

function wanted(want: Want): string {
  if (typeof want === 'string') return show(want);
  if (Array.isArray(want)) return `one of ${want.map(show).join(', ')}`;
  return 'present';
}

const show = (s: string) => JSON.stringify(cut(s));
