import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command line as a person would, with only the given environment. */
export async function cli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [resolve('dist/cli.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 30_000,
      ...(cwd ? { cwd } : {}),
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/** Each line of the text, parsed as JSON. */
export const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
