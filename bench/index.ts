/**
 * `npm run bench`: every performance figure beside its baseline, measured in
 * this one run on this machine, printed as one table.
 *
 * The simulator runs in its own process (bench/sim-child.ts); the client
 * under measurement runs here, or in cold child processes for the bundle.
 * Medians where a figure is repeated. Never run from the test suite.
 */
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { coldStart, dependencyCosts, memory } from './cold';
import { LATENCY_MS, print, row, SimProcess, verdicts } from './kit';
import { listing, throttled } from './listing';
import { organization } from './organization';
import type { Command } from './sim-child';
import { kafkaChecks, writes } from './writes';

/** The parts `BENCH_ONLY` may name (comma-separated), in the order they run. */
const PARTS = ['listing', 'throttle', 'memory', 'writes', 'kafka', 'org', 'cold', 'deps'] as const;
type Part = (typeof PARTS)[number];

/** BENCH_ONLY=cold (or throttle, writes, ...): some parts alone, for a quick look after a change. */
function chosenParts(): ReadonlySet<Part> {
  const only = process.env.BENCH_ONLY;
  if (!only) return new Set(PARTS);
  const names = only.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(PARTS as readonly string[]).includes(n)) {
      throw new Error(`BENCH_ONLY: ${n} is not one of ${PARTS.join(', ')}`);
    }
  }
  return new Set(names as Part[]);
}

async function main(): Promise<void> {
  const parts = chosenParts();
  const policyDir = tmpdir();
  const sim = await SimProcess.start();
  try {
    if (parts.has('listing')) await listing(sim);
    if (parts.has('throttle')) await throttled(sim);
    if (parts.has('memory')) await memory(sim, policyDir);
    if (parts.has('writes')) await writes(sim, policyDir);
    if (parts.has('kafka')) await kafkaChecks(sim, policyDir);
    if (parts.has('org')) {
      const send = <T>(cmd: Command) => sim.send<T>(cmd);
      await organization({ send, row, policyDir, latencyMs: LATENCY_MS });
    }
    if (parts.has('cold')) await coldStart(sim, policyDir);
    if (parts.has('deps')) {
      writeFileSync(join(policyDir, 'bench-dep-none.js'), '');
      await dependencyCosts(policyDir);
    }
  } finally {
    await sim.stop();
  }
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${new Date().toISOString()}`,
  );
  print();
  const met = verdicts.filter(Boolean).length;
  console.log(`\ntargets met: ${met} of ${verdicts.length}`);
  if (met < verdicts.length) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
