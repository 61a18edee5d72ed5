/**
 * The simulator in its own process, driven over IPC by bench/index.ts, so
 * the client under measurement and the simulator never share an event loop.
 * Reports its own event-loop utilisation: how busy the simulator was.
 */
import { performance } from 'node:perf_hooks';
import {
  generateFleet,
  type SimAccount,
  type SimInstance,
  type Simulator,
  startSimulator,
} from '../simulator';

export type FleetSpec =
  /** `size` instances, all RUNNING; the first `tagged` carry wave=bench. */
  { size: number; tagged?: number; seed?: number };

export type Command =
  | {
      op: 'start';
      fleet: FleetSpec;
      latencyMs: number;
      ratePerSecond?: number | null;
      /** With a rate: a token bucket of this many, as API Gateway's limit is modelled. */
      burst?: number;
    }
  | {
      /** An organization: the simulator's own account and `accounts` members, each with `regions` projects. */
      op: 'org';
      accounts: number;
      regions: readonly string[];
      /** Instances per project, the first `tagged` of them carry wave=bench. */
      fleet: FleetSpec;
      latencyMs: number;
    }
  | { op: 'clear' }
  | { op: 'stats' }
  | { op: 'stop' };

export interface SimStats {
  byRoute: Record<string, number>;
  throttled: number;
  total: number;
  peakInFlight: number;
  /** Event-loop utilisation since the last clear, 0-1. */
  busy: number;
}

export function benchFleet(spec: FleetSpec): SimInstance[] {
  return generateFleet({ size: spec.size, seed: spec.seed ?? 1 }).map((inst, i) => ({
    ...inst,
    status: 'RUNNING',
    tags:
      i < (spec.tagged ?? 0)
        ? [...inst.tags.filter((t) => t.key !== 'wave'), { key: 'wave', value: 'bench' }]
        : inst.tags,
  }));
}

/** The members of an `org` command: ids and project ids derived from their numbers. */
function orgAccounts(cmd: Extract<Command, { op: 'org' }>): SimAccount[] {
  return Array.from({ length: cmd.accounts }, (_, a) => {
    const domainId = `${String(a + 1).padStart(2, '0')}${'e'.repeat(30)}`;
    return {
      domainId,
      projects: cmd.regions.map((region, r) => ({
        region,
        projectId: `${domainId.slice(0, 2)}${String(r).padStart(2, '0')}${'0'.repeat(28)}`,
        fleet: benchFleet({ ...cmd.fleet, seed: a * 10 + r + 1 }),
      })),
      agencies: [{ name: 'bench', trusts: ORG_HOME }],
    };
  });
}

const ORG_HOME = 'd0000000000000000000000000000001';

function startOrganization(cmd: Extract<Command, { op: 'org' }>): Promise<Simulator> {
  return startSimulator({
    fleet: [],
    latencyMs: cmd.latencyMs,
    restartDelayMs: 3_600_000,
    organization: { domainId: ORG_HOME, accounts: orgAccounts(cmd) },
  });
}

let sim: Simulator | undefined;
let elu = performance.eventLoopUtilization();

function reply(msg: unknown): void {
  process.send?.(msg);
}

process.on('message', async (cmd: Command) => {
  switch (cmd.op) {
    case 'start': {
      await sim?.stop();
      sim = await startSimulator({
        fleet: benchFleet(cmd.fleet),
        latencyMs: cmd.latencyMs,
        restartDelayMs: 3_600_000,
      });
      sim.setRateLimit(
        cmd.ratePerSecond ?? null,
        cmd.burst === undefined ? {} : { burst: cmd.burst },
      );
      elu = performance.eventLoopUtilization();
      reply({ endpoint: sim.endpoint, ak: sim.ak, sk: sim.sk, projectId: sim.projectId });
      return;
    }
    case 'org':
      await sim?.stop();
      sim = await startOrganization(cmd);
      elu = performance.eventLoopUtilization();
      reply({
        endpoint: sim.endpoint,
        ak: sim.ak,
        sk: sim.sk,
        projectId: sim.projectId,
        accounts: orgAccounts(cmd).map((a) => ({
          domainId: a.domainId,
          projects: a.projects.map((p) => p.projectId),
        })),
      });
      return;
    case 'clear':
      sim?.clearRequests();
      elu = performance.eventLoopUtilization();
      reply({});
      return;
    case 'stats': {
      const requests = sim?.requests ?? [];
      const byRoute: Record<string, number> = {};
      for (const r of requests) byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
      const stats: SimStats = {
        byRoute,
        throttled: requests.filter((r) => r.status === 429).length,
        total: requests.length,
        peakInFlight: sim?.load().peakInFlight ?? 0,
        busy: performance.eventLoopUtilization(elu).utilization,
      };
      reply(stats);
      return;
    }
    case 'stop':
      await sim?.stop();
      reply({});
      process.exit(0);
  }
});
reply({ ready: true });
