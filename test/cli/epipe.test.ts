/**
 * `fleet | head`: a reader that closes the pipe ends the output, quietly;
 * the command finishes and exits with its own code, never with a stack.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The built command line, its stdout (and with `both`, its stderr) closed by the reader at once. */
function closedPipe(
  args: string[],
  both = false,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve('dist/cli.js'), ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.destroy();
    if (both) child.stderr.destroy();
    else child.stderr.on('data', (b) => (stderr += String(b)));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('a closed pipe', () => {
  it('ends fleet quietly, with its own exit code', async () => {
    const r = await closedPipe(['fleet', '--simulator']);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(r.code).toBe(0);
  });

  it('ends run quietly after the run, with its own exit code', async () => {
    const r = await closedPipe(['run', '--all', '--simulator']);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.stderr).toMatch(/Running against the built-in DMS simulator/);
    expect(r.code).toBe(0);
  });

  it('keeps the failure of a command whose stdout and stderr are both closed', async () => {
    const file = join(tmpdir(), `epipe-${process.pid}.yaml`);
    writeFileSync(file, 'version: 1\npolicies:\n  x:\n    action: nope\n');
    const r = await closedPipe(['validate', file], true);
    expect(r.code).toBe(1);
  });
});
