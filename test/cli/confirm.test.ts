/**
 * A live `run` on a terminal shows what it will do and asks first; only
 * `yes` goes on. `--yes`, a dry run, or no terminal: no question. Driven in
 * this process through `runCommand`, with the answer on a stream.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type RunOptions, runCommand } from '../../cli/run';
import { type Simulator, startSimulator } from '../../simulator';
import { RESTART_POLICY, staging } from '../support/fleet';

const QUESTION = "Do you want to run these actions? Only 'yes' will be accepted:";
const dir = mkdtempSync(join(tmpdir(), 'confirm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function setup(policy = RESTART_POLICY) {
  const sim = await startSimulator({ fleet: staging(3) });
  sims.push(sim);
  const file = join(dir, `p${sims.length}-${Date.now()}.yaml`);
  writeFileSync(file, policy);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    POLICY_FILE: file,
    DMS_ENDPOINT: sim.endpoint,
    HUAWEICLOUD_SDK_AK: sim.ak,
    HUAWEICLOUD_SDK_SK: sim.sk,
    HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
    DMS_REGION: 'cn-north-4',
  };
  const writes = () => sim.requests.filter((r) => r.method !== 'GET');
  return { sim, env, writes };
}

/** The command with `answer` typed on a terminal (or, with `tty: false`, piped in). */
async function command(
  o: RunOptions,
  env: NodeJS.ProcessEnv,
  answer: string | undefined,
  tty = true,
) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdout.on('data', (b) => out.push(String(b)));
  stderr.on('data', (b) => err.push(String(b)));
  if (answer !== undefined) stdin.write(`${answer}\n`);
  const code = await runCommand(o, { stdout, stderr, env, stdin, isTTY: tty });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('a live run on a terminal', () => {
  it('shows what it will do, asks, and goes on after yes', async () => {
    const { env, writes } = await setup();
    const ran = await command({ policy: ['restart'] }, env, 'yes');
    expect(ran.stderr).toContain('restart (restart): restart 3 instances in 1 call');
    expect(ran.stderr).toContain(QUESTION);
    expect(ran.code, ran.stderr).toBe(0);
    expect(writes().length).toBeGreaterThan(0);
    expect(ran.stdout).toMatch(/succeeded 3/);
  });

  it('changes nothing and exits 1 after any other answer', async () => {
    for (const answer of ['no', 'y', 'YES', '', undefined]) {
      const { env, writes } = await setup();
      const stdinEnds = answer === undefined;
      const ran = stdinEnds
        ? await commandEnding({ policy: ['restart'] }, env)
        : await command({ policy: ['restart'] }, env, answer);
      expect(ran.stderr, String(answer)).toContain(QUESTION);
      expect(ran.stderr).toContain('not confirmed; nothing was changed');
      expect(ran.code).toBe(1);
      expect(writes()).toEqual([]);
    }
  });

  it('does not ask with --yes', async () => {
    const { env, writes } = await setup();
    const ran = await command({ policy: ['restart'], yes: true }, env, undefined);
    expect(ran.stderr).not.toContain(QUESTION);
    expect(ran.code, ran.stderr).toBe(0);
    expect(writes().length).toBeGreaterThan(0);
  });

  it('does not ask a dry run: --dry-run, DRY_RUN=true, or the policy', async () => {
    for (const [o, extra, policy] of [
      [{ dryRun: true }, {}, RESTART_POLICY],
      [{}, { DRY_RUN: 'true' }, RESTART_POLICY],
      [{}, {}, RESTART_POLICY.replace('dryRun: false', 'dryRun: true')],
    ] as const) {
      const { env, writes } = await setup(policy);
      const ran = await command({ policy: ['restart'], ...o }, { ...env, ...extra }, undefined);
      expect(ran.stderr).not.toContain(QUESTION);
      expect(ran.code, ran.stderr).toBe(0);
      expect(writes()).toEqual([]);
    }
  });
});

describe('a live run without a terminal', () => {
  it('asks nothing and runs as a timer would', async () => {
    const { env, writes } = await setup();
    const ran = await command({ policy: ['restart'] }, env, undefined, false);
    expect(ran.stderr).not.toContain(QUESTION);
    expect(ran.code, ran.stderr).toBe(0);
    expect(writes().length).toBeGreaterThan(0);
  });
});

describe('run --plan FILE', () => {
  it('asks on a terminal, and says plainly when the policy keeps it dry', async () => {
    const { env, writes } = await setup();
    const approved = join(dir, `approved-${Date.now()}.json`);
    const planned = await command({ policy: ['restart'], plan: true, out: approved }, env, '');
    expect(planned.code, planned.stderr).toBe(0);

    const refused = await command({ planFile: approved }, env, 'no');
    expect(refused.stderr).toContain('restart (restart): restart 3 instances in 1 call');
    expect(refused.stderr).toContain(QUESTION);
    expect(refused.code).toBe(1);
    expect(writes()).toEqual([]);

    const dry = await command({ planFile: approved, dryRun: true }, env, undefined);
    expect(dry.stderr).toContain(
      'policy restart is a dry run (--dry-run): nothing will be changed; the approved plan is only recorded',
    );
    expect(dry.stderr).not.toContain(QUESTION);
    expect(dry.code, dry.stderr).toBe(0);
    expect(writes()).toEqual([]);

    const yes = await command({ planFile: approved }, env, 'yes');
    expect(yes.stderr).toContain(QUESTION);
    expect(yes.code, yes.stderr).toBe(0);
    expect(writes().length).toBeGreaterThan(0);
  });
});

describe('run --plan FILE of a dry policy', () => {
  it('says the policy keeps it dry, and asks nothing', async () => {
    const { env, writes } = await setup(RESTART_POLICY.replace('dryRun: false', 'dryRun: true'));
    const approved = join(dir, `approved-dry-${Date.now()}.json`);
    const planned = await command({ policy: ['restart'], plan: true, out: approved }, env, '');
    expect(planned.code, planned.stderr).toBe(0);
    const ran = await command({ planFile: approved }, env, undefined);
    expect(ran.stderr).toContain(
      'policy restart is a dry run (dryRun: true in the policy): nothing will be changed; the approved plan is only recorded',
    );
    expect(ran.stderr).not.toContain(QUESTION);
    expect(ran.code, ran.stderr).toBe(0);
    expect(writes()).toEqual([]);
  });
});

/** On a terminal whose input ends (Ctrl-D) before any answer. */
async function commandEnding(o: RunOptions, env: NodeJS.ProcessEnv) {
  const err: string[] = [];
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stderr.on('data', (b) => err.push(String(b)));
  stdin.end();
  const code = await runCommand(o, { stdout: new PassThrough(), stderr, env, stdin, isTTY: true });
  return { code, stdout: '', stderr: err.join('') };
}
