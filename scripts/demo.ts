/**
 * `npm start`: runs every policy in policies.yaml through the built handler
 * (dist/index.js), the way a timer would. With no credentials in the
 * environment it runs against the built-in simulator and its demo fleet.
 * With HUAWEICLOUD_SDK_AK/SK, a project id and DMS_REGION (or DMS_ENDPOINT)
 * set, it runs against Huawei Cloud, in dry-run unless DRY_RUN=false.
 *
 * stdout gets the function's JSON lines; stderr gets a table for people.
 */
import { resolve } from 'node:path';
import type { Handler, HandlerOptions } from '../handlers/index';
import { loadPolicyFile } from '../src/policy/load';
import type { OutcomeRecord, RunSummary } from '../src/report/records';
import { demoFleet, type Simulator, startSimulator } from '../src/simulator';
import { printTable } from './table';

const { createHandler } = require('../dist/index.js') as {
  createHandler: (o: HandlerOptions) => Handler;
};

async function main(): Promise<number> {
  const env: Record<string, string | undefined> = { ...process.env };
  env.POLICY_FILE ??= resolve('policies.yaml');
  const real = Boolean(env.HUAWEICLOUD_SDK_AK && (env.DMS_REGION || env.DMS_ENDPOINT));
  let sim: Simulator | undefined;
  if (real) {
    env.DRY_RUN ??= 'true';
    process.stderr.write(`Running against Huawei Cloud (DRY_RUN=${env.DRY_RUN}).\n\n`);
  } else {
    sim = await startSimulator({ fleet: demoFleet() });
    Object.assign(env, {
      DMS_ENDPOINT: sim.endpoint,
      HUAWEICLOUD_SDK_AK: sim.ak,
      HUAWEICLOUD_SDK_SK: sim.sk,
      HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
    });
    process.stderr.write(
      `Running against the built-in DMS simulator at ${sim.endpoint} (${sim.instances().length} instances).\n\n`,
    );
  }

  const lines: Array<OutcomeRecord | RunSummary | { kind: string }> = [];
  const destination = {
    write(line: string) {
      process.stdout.write(line);
      lines.push(JSON.parse(line));
    },
  };
  const handler = createHandler({ destination, env });
  let failures = 0;
  try {
    const policies = await loadPolicyFile(env.POLICY_FILE);
    for (const name of policies.keys()) {
      const event = {
        version: 'v2.0',
        time: new Date().toISOString(),
        trigger_type: 'TIMER',
        trigger_name: name,
        user_event: name,
      };
      try {
        await handler(event, undefined);
      } catch (e) {
        failures++;
        process.stderr.write(`policy ${name}: ${(e as Error).message}\n`);
      }
    }
  } finally {
    await sim?.stop();
  }
  printTable(lines, process.stderr);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  },
);
