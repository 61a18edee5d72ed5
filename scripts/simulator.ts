/**
 * Runs the DMS for Kafka simulator on loopback until interrupted.
 *
 *   npm run simulator -- [--port N] [--size N] [--seed N]
 *
 * Without --size it serves the demo fleet; with it, a generated fleet of that size.
 */
import { demoFleet, generateFleet, startSimulator } from '../src/simulator';

function parseArgs(argv: string[]): { port?: number; size?: number; seed?: number } {
  const out: { port?: number; size?: number; seed?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const name = flag?.replace(/^--/, '');
    if (name !== 'port' && name !== 'size' && name !== 'seed') {
      throw new Error(`unknown option ${flag}; expected --port, --size or --seed`);
    }
    const value = Number(argv[++i]);
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`--${name} needs a non-negative integer`);
    }
    out[name] = value;
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const fleet =
    args.size === undefined
      ? demoFleet()
      : generateFleet({ size: args.size, seed: args.seed ?? 1 });
  const sim = await startSimulator({
    fleet,
    ...(args.port === undefined ? {} : { port: args.port }),
  });
  const lines = [
    `DMS for Kafka simulator listening on ${sim.endpoint} (${fleet.length} instances)`,
    `  project id: ${sim.projectId}`,
    `  AK:         ${sim.ak}`,
    `  SK:         ${sim.sk}   (local fake credentials)`,
    '',
    'Point a client at it with:',
    `  DMS_ENDPOINT=${sim.endpoint} HUAWEICLOUD_SDK_PROJECT_ID=${sim.projectId} HUAWEICLOUD_SDK_AK=${sim.ak} HUAWEICLOUD_SDK_SK=${sim.sk}`,
    '',
    'Ctrl-C stops it.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping (${sim.requests.length} requests served)\n`);
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
