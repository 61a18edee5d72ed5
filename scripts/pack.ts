import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPolicyFile } from '../src/policy/load';
import { zip } from './zip';

/**
 * What `npm run package` writes, under dist/. Terraform (deploy/terraform)
 * uploads ZIP; serverless.yml's code.codeUri points at CODE_DIR; both hold
 * exactly FILES, the function's code root at run time.
 */
export const PACKAGE = {
  bundle: 'dist/index.js',
  /** The SDK core, which dist/index.js loads from beside itself on the first call. */
  sdk: 'dist/sdk.js',
  codeDir: 'dist/function',
  zip: 'dist/function.zip',
  manifest: 'dist/function.json',
  files: ['index.js', 'sdk.js', 'policies.yaml'],
  /** With an accounts file: its copy in the code root, which ACCOUNTS_FILE then names. */
  accounts: 'accounts.yaml',
} as const;

/** dist/function.json: what went into the zip, so a deploy can check it. */
export interface PackageManifest {
  files: string[];
  /** The policy file the zip's policies.yaml was copied from, as given. */
  policyFile: string;
  /** Hex SHA-256 of that file (Terraform's filesha256 gives the same). */
  policiesSha256: string;
  /** The accounts file the zip's accounts.yaml was copied from, as given, when one was. */
  accountsFile?: string;
  accountsSha256?: string;
  zipSha256: string;
  zipBytes: number;
}

/**
 * Checks the policy file with the function's own loader, then writes the
 * code directory, the zip and the manifest. A file the function would
 * refuse is never packaged.
 */
export async function writePackage(opts: {
  policyFile: string;
  /** An accounts file (ACCOUNTS_FILE's content), packaged beside the policy file. */
  accountsFile?: string | undefined;
  /** Folder that PACKAGE's dist/ paths are relative to; default the working directory. */
  root?: string;
}): Promise<PackageManifest> {
  const at = (p: string) => join(opts.root ?? '.', p);
  await loadPolicyFile(opts.policyFile, opts.accountsFile);
  const policies = await readFile(opts.policyFile);
  const accounts = opts.accountsFile ? await readFile(opts.accountsFile) : undefined;
  const contents: Record<(typeof PACKAGE.files)[number], Buffer> = {
    'index.js': await readFile(at(PACKAGE.bundle)),
    'sdk.js': await readFile(at(PACKAGE.sdk)),
    'policies.yaml': policies,
  };
  const entries = [
    ...PACKAGE.files.map((name) => ({ name, data: contents[name] })),
    ...(accounts ? [{ name: PACKAGE.accounts, data: accounts }] : []),
  ];

  await rm(at(PACKAGE.codeDir), { recursive: true, force: true });
  await mkdir(at(PACKAGE.codeDir), { recursive: true });
  for (const { name, data } of entries) await writeFile(join(at(PACKAGE.codeDir), name), data);
  const archive = zip(entries);
  await writeFile(at(PACKAGE.zip), archive);
  const manifest: PackageManifest = {
    files: entries.map((e) => e.name),
    policyFile: opts.policyFile,
    policiesSha256: sha256(policies),
    ...(accounts ? { accountsFile: opts.accountsFile, accountsSha256: sha256(accounts) } : {}),
    zipSha256: sha256(archive),
    zipBytes: archive.length,
  };
  await writeFile(at(PACKAGE.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
