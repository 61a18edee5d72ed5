import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import type { Clock } from '../../src/exec/clock';
import { staging } from '../support/fleet';
import { actions, batches, byOutcome, runHandler } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

/**
 * Time that jumps: each sleep moves the clock forward by what was asked and
 * yields to the event loop for a few real milliseconds.
 */
function jumpingClock(onSleep: (n: number) => void = () => {}): Clock {
  let offset = 0;
  let sleeps = 0;
  return {
    now: () => Date.now() + offset,
    sleep: async (ms) => {
      offset += ms;
      onSleep(++sleeps);
      await new Promise((r) => setTimeout(r, 5));
    },
  };
}

const policy = (wait: string) => `version: 1
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    batchSize: 2
    waitForRunning: ${wait}
`;

describe('restarts in safe waves', () => {
  it('starts each wave only when the one before is RUNNING again', async () => {
    const clock = jumpingClock();
    // The fleet keeps the handler's time: each restart shows RUNNING for its onset first.
    sim = await startSimulator({
      fleet: staging(6),
      restartDelayMs: 3_000,
      restartOnsetMs: 1_500,
      fleetClock: clock.now,
    });
    const run = await runHandler(sim, {
      policy: policy('{ pollSeconds: 1, timeoutSeconds: 60 }'),
      clock,
    });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toHaveLength(3);
    // Before each wave after the first, the previous wave was read back as RUNNING.
    const posts = actions(sim);
    const waves = batches(sim);
    for (const [k, post] of posts.entries()) {
      for (const id of k === 0 ? [] : (waves[k - 1] ?? [])) {
        const reads = sim.requests.filter(
          (r) => r.route === 'showInstance' && r.path.endsWith(id) && r.seq < post.seq,
        );
        expect(reads.length).toBeGreaterThan(0);
      }
    }
    expect(byOutcome(run.outcomes).restarted).toHaveLength(6);
    for (const o of run.outcomes) expect(o.recoveredMs).toBeGreaterThanOrEqual(4_500);
  });

  it('stops the waves after an instance lands in ERROR', async () => {
    let broken = '';
    const clock = jumpingClock((n) => {
      // Before the first look at wave one, one of its instances goes bad.
      if (n !== 1) return;
      broken = batches(sim)[0]?.[0] ?? '';
      sim.setStatus(broken, 'ERROR');
    });
    sim = await startSimulator({ fleet: staging(6), restartDelayMs: 3_000, fleetClock: clock.now });
    const run = await runHandler(sim, {
      policy: policy('{ pollSeconds: 1, timeoutSeconds: 60 }'),
      clock,
    });
    expect(batches(sim)).toHaveLength(1);
    const wave = batches(sim)[0] ?? [];
    expect(run.outcomes.find((o) => o.instanceId === broken)).toMatchObject({
      outcome: 'failed',
      reason: 'restarted, but then status ERROR instead of RUNNING',
    });
    const other = wave.find((id) => id !== broken);
    expect(run.outcomes.find((o) => o.instanceId === other)?.outcome).toBe('restarted');
    const skipped = run.outcomes.filter((o) => o.outcome === 'skipped');
    expect(skipped).toHaveLength(4);
    expect(skipped.some((o) => wave.includes(o.instanceId))).toBe(false);
    expect(
      skipped.every((o) => o.reason === 'not started: an earlier wave was not confirmed RUNNING'),
    ).toBe(true);
    expect(run.error?.message).toMatch(/1 of 6 instances failed \(1 succeeded, 4 skipped\)/);
  });

  it('fails a wave still restarting at the timeout, and starts no other', async () => {
    const clock = jumpingClock();
    sim = await startSimulator({
      fleet: staging(4),
      restartDelayMs: 600_000,
      fleetClock: clock.now,
    });
    const run = await runHandler(sim, {
      policy: policy('{ pollSeconds: 5, timeoutSeconds: 30 }'),
      clock,
    });
    expect(batches(sim)).toHaveLength(1);
    expect(run.outcomes.filter((o) => o.outcome === 'failed').map((o) => o.reason)).toEqual([
      'restarted, but not RUNNING after 30 s (last seen: status now RESTARTING)',
      'restarted, but not RUNNING after 30 s (last seen: status now RESTARTING)',
    ]);
    expect(run.result).toBeUndefined();
    expect(run.summaries[0]).toMatchObject({ failed: 2, skipped: 2, succeeded: 0 });
  });
});
