/**
 * The command line: `dms-kafka-maintenance validate | plan | run | fleet | simulator`.
 * A thin door like the handlers: it parses arguments and calls the same core.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { type FleetOptions, fleetCommand } from './fleet';
import { describeError, type Io, runCommand } from './run';
import { simulatorCommand } from './simulator';
import { UsageError } from './usage';
import { validateCommand } from './validate';

/**
 * A reader that closes the pipe (`fleet | head`) has what it wanted: what is
 * left to print is dropped without a stack, and the command finishes and
 * exits with its own code. It is not cut short: a live run never stops
 * between a mark and its restart because its output is no longer read.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const io: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  isTTY: process.stdin.isTTY === true,
};

function whole(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a whole number`);
    }
    return n;
  };
}

const collect = (v: string, all: string[] = []) => [...all, v];

/** `--region` and `--project`: where one command runs, instead of the environment's. */
function whereTo(command: Command): Command {
  return command
    .option(
      '--region <region>',
      'the region for this command, instead of DMS_REGION (and DMS_ENDPOINT)',
    )
    .option(
      '--project <id>',
      'the project id for this command, instead of HUAWEICLOUD_SDK_PROJECT_ID',
    );
}

/** The package's version, from the package.json beside dist/. */
function version(): string {
  try {
    return (
      JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

const program = new Command('dms-kafka-maintenance')
  .description('Scheduled restarts and failed-instance cleanup for DMS for Kafka')
  .version(version(), '-V, --version')
  .option('--verbose', 'print stacks with errors')
  .showHelpAfterError()
  .exitOverride();

program
  .command('validate')
  .description('check a policy file; no network call')
  .argument('[file]', 'the policy file (default: POLICY_FILE, else ./policies.yaml)')
  .option(
    '--deploy <dir>',
    'deploy files to check the timers against: a Terraform folder or a serverless.yml (default without FILE: ./deploy/terraform and ./serverless.yml)',
  )
  .action(async (file: string | undefined, o: { deploy?: string }) => {
    process.exitCode = await validateCommand(file, io, { deploy: o.deploy });
  });

for (const [name, plan, about] of [
  ['plan', true, 'list and select as a run would, and show what it would do; never writes'],
  ['run', false, 'run one invocation of the handler, as a timer would'],
] as const) {
  const command = program.command(name);
  if (plan) {
    command.option(
      '--at <time>',
      'judge the window, cutoff and marks as at this instant (ISO 8601 with Z or an offset), with the listing of now',
    );
    command.option(
      '--explain <instance>',
      'every rule of the policy applied to this instance (name or id)',
    );
    command.option(
      '--deploy <dir>',
      'hold the forecast against the timers of these deploy files (as validate --deploy)',
    );
    command.option(
      '--out <file>',
      'write the plan of one policy to this file, to approve, for run --plan',
    );
    command.option(
      '--valid-for <duration>',
      'how long the written plan stays valid: 90m, 24h, 2d (default 24h, at most 7d)',
    );
  } else {
    command.option(
      '--dry-run',
      'record what would be done and change nothing, whatever the policy says',
    );
    command.option(
      '--plan <file>',
      'carry out this approved plan (from plan --out) and nothing else',
    );
    command.option('--yes', 'on a terminal, run without asking first');
  }
  whereTo(command)
    .description(about)
    .option('-p, --policy <name>', 'the policy to run (repeatable)', collect)
    .option('--all', 'every policy in the file')
    .option('-f, --file <file>', 'the policy file (default: POLICY_FILE, else ./policies.yaml)')
    .option('--json', 'JSON lines on stdout (the table then goes to stderr)')
    .option('--simulator', 'run against a built-in simulator with the demo fleet')
    .option('--account <name>', 'with accounts: run in this account only (repeatable)', collect)
    .action(
      async (o: {
        policy?: string[];
        all?: boolean;
        file?: string;
        json?: boolean;
        simulator?: boolean;
        at?: string;
        dryRun?: boolean;
        yes?: boolean;
        explain?: string;
        deploy?: string;
        out?: string;
        validFor?: string;
        plan?: string;
        region?: string;
        project?: string;
        account?: string[];
      }) => {
        const { plan: planFile, ...rest } = o;
        process.exitCode = await runCommand(
          {
            ...rest,
            ...(planFile ? { planFile } : {}),
            plan,
            verbose: program.opts().verbose === true,
          },
          io,
        );
      },
    );
}

whereTo(program.command('fleet'))
  .description('the listing as the function sees it: status, tags, the last mark; only reads')
  .option('--json', 'one JSON line per instance')
  .option(
    '--count-by <what>',
    'status, or a tag key: how many instances have each value (repeatable)',
    collect,
  )
  .option('--simulator', 'list the built-in simulator with the demo fleet')
  .option(
    '--record <dir>',
    'also keep every answer of this read-only pass (listing, ShowInstance, ShowCluster, topics) in DIR, for simulator --from; no header, credential or request id is kept',
  )
  .option('--hash-ids', 'with --record: every id replaced by a stable hash, in every file')
  .option('--hash-names', 'with --record: instance and topic names replaced by stable hashes')
  .option('--force', 'with --record: write into a folder that is not empty')
  .addHelpText(
    'after',
    `
Bring a real fleet home (docs/simulator.md):
  $ dms-kafka-maintenance fleet --record ./my-fleet --hash-ids
  $ dms-kafka-maintenance simulator --from ./my-fleet`,
  )
  .action(async (o: FleetOptions) => {
    process.exitCode = await fleetCommand(o, io);
  });

program
  .command('simulator')
  .description('a DMS for Kafka simulator on loopback, until Ctrl-C')
  .option('--size <n>', 'a generated fleet of this size instead of the demo fleet', whole('--size'))
  .option('--seed <n>', 'the generated fleet seed', whole('--seed'))
  .option('--port <n>', 'the port (default: any free one)', whole('--port'))
  .option('--from <dir>', 'the fleet recorded in DIR by fleet --record, instead of the demo fleet')
  .action(async (o: { size?: number; seed?: number; port?: number; from?: string }) => {
    await simulatorCommand(o, io);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  const code = (e as { exitCode?: number; code?: string }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // Help and version exit 0; usage mistakes exit 2, after commander's own message.
    process.exitCode = code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
    return;
  }
  io.stderr.write(`${describeError(e, program.opts().verbose === true)}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
});
