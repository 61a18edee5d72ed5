import {
  DEMO_DOMAIN_ID,
  demoFleet,
  demoKafka,
  demoOrganization,
  generateFleet,
  startSimulator,
} from '../simulator';
import type { Io } from './run';

export interface SimulatorOptions {
  size?: number;
  seed?: number;
  port?: number;
}

/**
 * `simulator`: a DMS for Kafka simulator on loopback until interrupted. Its
 * connection details go to stdout as shell `export` lines, so
 * `eval "$(dms-kafka-maintenance simulator &)"`-style use and copy-paste both work.
 */
export async function simulatorCommand(o: SimulatorOptions, io: Io): Promise<void> {
  const fleet =
    o.size === undefined ? demoFleet() : generateFleet({ size: o.size, seed: o.seed ?? 1 });
  const kafka = o.size === undefined ? demoKafka() : {};
  const sim = await startSimulator({
    fleet,
    kafka,
    // The member accounts of examples/accounts.yaml, entered through STS_ENDPOINT and IAM_ENDPOINT.
    organization: demoOrganization(DEMO_DOMAIN_ID),
    ...(o.port === undefined ? {} : { port: o.port }),
  });
  io.stderr.write(
    `DMS for Kafka simulator on ${sim.endpoint} with ${fleet.length} instances; local fake credentials. Ctrl-C stops it.\n`,
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
  io.stderr.write(`stopped after ${sim.requests.length} requests\n`);
}
