import { resolve } from 'node:path';
import { ConfigError } from '../src/errors';
import { loadPolicyFile } from '../src/policy/load';
import { checkDeployFiles } from './deploy/check';
import type { Io } from './run';

/**
 * `validate [FILE]`: checks the policy file, then the deploy files in the
 * working directory against it, with no network call. Exit 0 and one line
 * when all is valid; otherwise every problem with its path, and 1.
 */
export async function validateCommand(file: string | undefined, io: Io): Promise<number> {
  const path = resolve(file ?? io.env.POLICY_FILE ?? 'policies.yaml');
  let policies: Awaited<ReturnType<typeof loadPolicyFile>>;
  try {
    policies = await loadPolicyFile(path);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr.write(`${e.message}\n`);
    return 1;
  }
  const deploy = checkDeployFiles(process.cwd(), new Set(policies.keys()));
  if (deploy.issues.length > 0) {
    io.stderr.write(`${new ConfigError(deploy.issues, 'the deploy files').message}\n`);
    return 1;
  }
  const names = [...policies.values()].map(
    (p) => `${p.name} (${p.action}${p.dryRun ? ', dry run' : ''})`,
  );
  const also = deploy.checked.length > 0 ? `; checked against ${deploy.checked.join(', ')}` : '';
  io.stdout.write(`${path}: valid, ${policies.size} policies: ${names.join(', ')}${also}\n`);
  return 0;
}
