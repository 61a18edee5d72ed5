import { resolve } from 'node:path';
import { ConfigError } from '../src/errors';
import { loadPolicyFile } from '../src/policy/load';
import type { Io } from './run';

/**
 * `validate [FILE]`: checks the policy file with no network call. Exit 0 and
 * one line when it is valid; otherwise every problem with its path, and 1.
 */
export async function validateCommand(file: string | undefined, io: Io): Promise<number> {
  const path = resolve(file ?? io.env.POLICY_FILE ?? 'policies.yaml');
  try {
    const policies = await loadPolicyFile(path);
    const names = [...policies.values()].map(
      (p) => `${p.name} (${p.action}${p.dryRun ? ', dry run' : ''})`,
    );
    io.stdout.write(`${path}: valid, ${policies.size} policies: ${names.join(', ')}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr.write(`${e.message}\n`);
    return 1;
  }
}
