/**
 * The model-based test of a restart campaign (issue #29): generated
 * sequences of timers, kills, deadlines, lost answers, 429s, people's tag
 * edits, window edits and clock skew, run against the real handler through
 * the simulator, with the campaign's five promises checked at every restart
 * DMS takes and at the end of the window (see checker.ts).
 *
 *   MODEL_SEQUENCES=1000 npx vitest run test/model   # more sequences (seeds 1..1000)
 *   MODEL_SEED=42 npx vitest run test/model          # replay one seed, with its whole trace
 *   MODEL_DEBUG=1 MODEL_SEED=42 npx vitest run test/model   # and every request the simulator took
 */
import { describe, expect, it } from 'vitest';
import type { Violation } from './checker';
import { generate, type Scenario } from './generator';
import { runSequence } from './sequence';

const DEFAULT_SEQUENCES = 160;

function seeds(): number[] {
  const one = process.env.MODEL_SEED;
  if (one) return [Number(one)];
  const count = Number(process.env.MODEL_SEQUENCES ?? DEFAULT_SEQUENCES);
  // MODEL_FIRST runs a later stretch of seeds, so that a long search can be split.
  const first = Number(process.env.MODEL_FIRST ?? 1);
  return Array.from({ length: count }, (_, i) => i + first);
}

function describeScenario(s: Scenario): string {
  const breaks = Object.entries(s.breaks).map(([i, b]) => `m-${i} broker ${b}`);
  return [
    `chaos ${s.chaos}`,
    `${s.fleetSize} instances, batchSize ${s.batchSize}`,
    `window 02:00 + ${s.windowMinutes} min, cutoff ${s.cutoffMinutes} min`,
    `restart ${Math.round(s.restartDelayMs / 1000)} s, onset ${s.restartOnsetMs} ms, ISR catch-up ${s.isrRecoveryMs} ms`,
    ...(breaks.length > 0 ? [`breaks on restart: ${breaks.join(', ')}`] : []),
    ...(s.landsInError.length > 0
      ? [`lands in ERROR: ${s.landsInError.map((i) => `m-${i}`).join(', ')}`]
      : []),
  ].join('; ');
}

interface Failure {
  seed: number;
  first: Violation;
  promises: string[];
  report: string;
}

function report(s: Scenario, violations: Violation[], trace: string[], full: boolean): Failure {
  const first = violations.reduce((a, b) => (b.step < a.step ? b : a));
  const promises = [...new Set(violations.map((v) => v.promise))].sort();
  const shown = full
    ? trace
    : trace.slice(0, trace.findIndex((l) => l.startsWith('   !!')) + 1).slice(-14);
  const text = [
    `seed ${s.seed}: ${first.promise} broken at step ${first.step}: ${first.detail}`,
    `  also broken in this sequence: ${promises.join(', ')}`,
    `  replay: MODEL_SEED=${s.seed} npx vitest run test/model`,
    `  fleet: ${describeScenario(s)}`,
    '  trace:',
    ...shown.map((l) => `    ${l}`),
  ].join('\n');
  return { seed: s.seed, first, promises, report: text };
}

describe('a restart campaign, against a model of its fleet', () => {
  const list = seeds();
  it(
    `keeps its five promises over ${list.length} generated sequence${list.length === 1 ? '' : 's'}`,
    async () => {
      const failures: Failure[] = [];
      const started = Date.now();
      for (const seed of list) {
        const s = generate(seed);
        const { violations, trace } = await runSequence(s);
        if (list.length === 1)
          console.log(`seed ${seed}: ${describeScenario(s)}\n${trace.join('\n')}`);
        if (violations.length > 0) failures.push(report(s, violations, trace, list.length === 1));
      }
      const byPromise = new Map<string, number[]>();
      for (const f of failures) {
        for (const p of f.promises) byPromise.set(p, [...(byPromise.get(p) ?? []), f.seed]);
      }
      const summary = [...byPromise]
        .sort()
        .map(
          ([p, ss]) =>
            `${p}: ${ss.length} sequences, seeds ${ss.slice(0, 12).join(', ')}${ss.length > 12 ? ', ...' : ''}`,
        );
      const message = [
        `${failures.length} of ${list.length} sequences broke a promise (${Math.round((Date.now() - started) / 1000)} s)`,
        ...summary,
        '',
        'the first broken promise of each:',
        ...failures.map(
          (f) => `  seed ${f.seed} step ${f.first.step}: ${f.first.promise} ${f.first.detail}`,
        ),
        '',
        ...failures.slice(0, 5).map((f) => f.report),
      ].join('\n');
      if (failures.length > 0) console.log(message);
      expect(failures.length, message).toBe(0);
    },
    // A few seconds a sequence at worst: the limiter waits in real time after a 429.
    Math.max(900_000, list.length * 5_000),
  );
});
