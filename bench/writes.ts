/** Write figures: a live campaign's read-backs, and what the Kafka checks cost. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLEET, liveHandler, row, type SimProcess, sec, timed } from './kit';
import { projectClient } from './listing';

export async function writes(sim: SimProcess, policyDir: string): Promise<void> {
  const matched = 2000;
  const latency = 10;
  const policyFile = join(policyDir, 'bench-restart.yaml');
  writeFileSync(
    policyFile,
    'version: 1\npolicies:\n  bench-restart:\n    action: restart\n    dryRun: false\n    select: { tags: { wave: bench } }\n    batchSize: 50\n    maxInstances: 2000\n',
  );
  const ep = await sim.serve({ size: FLEET, tagged: matched }, latency);
  await sim.clear();
  const run = await timed(() => liveHandler(ep, policyFile)({ policy: 'bench-restart' }));
  const s = await sim.stats();
  const list = s.byRoute.listInstances ?? 0;
  const show = s.byRoute.showInstance ?? 0;
  const act = s.byRoute.instanceAction ?? 0;
  const tag = s.byRoute.tagAction ?? 0;
  const acted = run.value.succeeded;
  const reads = (list + show) / acted;
  row(
    `live restart: ${acted} of ${FLEET} in batches of 50, ${latency} ms latency`,
    sec(run.ms),
    `${list} list + ${show} ShowInstance + ${act} restart + ${tag} mark calls`,
  );
  row(
    '  reads per instance acted on (one ShowInstance after each mark)',
    reads.toFixed(2),
    '',
    '<= 1.5',
    reads <= 1.5,
  );
  row(
    '  calls per instance acted on, writes included',
    ((list + show + act + tag) / acted).toFixed(2),
    '',
  );

  // The other way to re-check: list the fleet again before every batch.
  const batches = Math.ceil(acted / 50);
  await sim.clear();
  const dms = projectClient(ep);
  const relist = await timed(async () => {
    for (let b = 0; b < batches; b++) await dms.listInstances();
  });
  const r = await sim.stats();
  const relistReads = (list + (r.byRoute.listInstances ?? 0)) / acted;
  row(
    '  reads per instance if re-checked by listing again',
    relistReads.toFixed(2),
    `${batches} listings, ${sec(relist.ms)} of re-checks`,
  );
}

/**
 * The Kafka checks' cost: one 200-instance campaign (batches of 50, 10 ms
 * latency) with the pre-flight and again without it, on the same fleet
 * shape, in the same run.
 */
export async function kafkaChecks(sim: SimProcess, policyDir: string): Promise<void> {
  const matched = 200;
  const latency = 10;
  const figures: Record<string, { ms: number; calls: number; kafka: number; acted: number }> = {};
  for (const checks of ['on', 'off'] as const) {
    const policyFile = join(policyDir, `bench-kafka-${checks}.yaml`);
    writeFileSync(
      policyFile,
      `version: 1\npolicies:\n  bench-kafka:\n    action: restart\n    dryRun: false\n    select: { tags: { wave: bench } }\n    batchSize: 50\n    maxInstances: ${matched}\n${checks === 'off' ? '    kafkaChecks: false\n' : ''}`,
    );
    const ep = await sim.serve({ size: 1000, tagged: matched }, latency);
    await sim.clear();
    const run = await timed(() => liveHandler(ep, policyFile)({ policy: 'bench-kafka' }));
    const st = await sim.stats();
    const kafka = (st.byRoute.showCluster ?? 0) + (st.byRoute.listTopics ?? 0);
    figures[checks] = { ms: run.ms, calls: st.total, kafka, acted: run.value.succeeded };
  }
  const on = figures.on;
  const off = figures.off;
  if (!on || !off) return;
  row(
    `campaign of ${matched}, batches of 50, ${latency} ms latency, Kafka checks on`,
    sec(on.ms),
    `${on.acted} restarted; ${on.kafka} ShowCluster + ListInstanceTopics calls; ${(on.ms / off.ms).toFixed(2)}x the run without`,
  );
  row(`  the same, kafkaChecks: false`, sec(off.ms), `${off.acted} restarted`);
  row(
    '  calls per restarted instance, checks on / off',
    `${(on.calls / on.acted).toFixed(2)} / ${(off.calls / off.acted).toFixed(2)}`,
    'every call: listing, reads, marks, restarts',
  );
  const kafkaPer = on.kafka / on.acted;
  row(
    '  Kafka reads per restarted instance',
    kafkaPer.toFixed(2),
    'one cluster + one topics page',
    '<= 2.0',
    kafkaPer <= 2,
  );
}
