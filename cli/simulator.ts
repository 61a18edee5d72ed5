import { resolve } from 'node:path';
import {
  DEMO_DOMAIN_ID,
  demoFleet,
  demoKafka,
  demoOrganization,
  generateFleet,
  loadRecording,
  type SimulatorOptions as SimOptions,
  startSimulator,
} from '../simulator';
import { plural } from './plural';
import type { Io } from './run';
import { UsageError } from './usage';

export interface SimulatorOptions {
  size?: number;
  seed?: number;
  port?: number;
  /** A folder written by `fleet --record`: its fleet instead of the demo fleet. */
  from?: string;
}

/** The fleet asked for: recorded, generated or the demo's, and a line that says which. */
function fleetOf(o: SimulatorOptions): { opts: SimOptions; about: string } {
  if (o.from !== undefined) {
    if (o.size !== undefined || o.seed !== undefined) {
      throw new UsageError(
        '--from DIR serves the recorded fleet; --size and --seed do not go with it',
      );
    }
    const dir = resolve(o.from);
    const { manifest, fleet, kafka } = loadRecording(dir);
    const hashed = manifest.hashed.ids ? ', ids hashed' : '';
    return {
      opts: { fleet, kafka, projectId: manifest.projectId },
      about: `the ${plural(fleet.length, 'instance')} recorded in ${dir} at ${manifest.recordedAt}${hashed}`,
    };
  }
  const fleet =
    o.size === undefined ? demoFleet() : generateFleet({ size: o.size, seed: o.seed ?? 1 });
  return {
    opts: {
      fleet,
      kafka: o.size === undefined ? demoKafka() : {},
      // The member accounts of examples/accounts.yaml, entered through STS_ENDPOINT and IAM_ENDPOINT.
      organization: demoOrganization(DEMO_DOMAIN_ID),
    },
    about: plural(fleet.length, 'instance'),
  };
}

/**
 * `simulator`: a DMS for Kafka simulator on loopback until interrupted. Its
 * connection details go to stdout as shell `export` lines, so
 * `eval "$(dms-kafka-maintenance simulator &)"`-style use and copy-paste both work.
 */
export async function simulatorCommand(o: SimulatorOptions, io: Io): Promise<void> {
  const { opts, about } = fleetOf(o);
  const sim = await startSimulator({
    ...opts,
    ...(o.port === undefined ? {} : { port: o.port }),
  });
  io.stderr.write(
    `DMS for Kafka simulator on ${sim.endpoint} with ${about}; local fake credentials. Ctrl-C stops it.\n`,
  );
  io.stdout.write(
    [
      `export DMS_ENDPOINT=${sim.endpoint}`,
      `export HUAWEICLOUD_SDK_PROJECT_ID=${sim.projectId}`,
      `export HUAWEICLOUD_SDK_AK=${sim.ak}`,
      `export HUAWEICLOUD_SDK_SK=${sim.sk}`,
      `export IAM_ENDPOINT=${sim.endpoint}`,
      `export STS_ENDPOINT=${sim.endpoint}`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    const stop = () => {
      sim.stop().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stderr.write(`stopped after ${plural(sim.requests.length, 'request')}\n`);
}
