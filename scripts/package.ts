/**
 * `npm run package [-- POLICY_FILE [ACCOUNTS_FILE]]`: after `npm run build`,
 * writes the function package that deploy/terraform and serverless.yml
 * deploy: dist/function.zip and dist/function/ (index.js, sdk.js and
 * policies.yaml, copied from POLICY_FILE, default ./policies.yaml; with an
 * accounts file, accounts.yaml, which deploy/terraform then names in
 * ACCOUNTS_FILE), plus dist/function.json.
 */
import { ConfigError } from '../src/errors';
import { PACKAGE, writePackage } from './pack';

async function main(): Promise<number> {
  const policyFile = process.argv[2] ?? 'policies.yaml';
  const accountsFile = process.argv[3];
  try {
    const m = await writePackage({ policyFile, accountsFile });
    const accounts = accountsFile ? `, ${PACKAGE.accounts} from ${accountsFile}` : '';
    process.stdout.write(
      `${PACKAGE.zip} ${(m.zipBytes / 1024).toFixed(0)} KiB: ${m.files.join(', ')} ` +
        `(policies.yaml from ${policyFile}${accounts}); also ${PACKAGE.codeDir}/ and ${PACKAGE.manifest}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`not packaged: ${e.message}\n`);
      return 1;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      process.stderr.write(`not packaged: ${(e as Error).message} (run npm run build first)\n`);
      return 1;
    }
    throw e;
  }
}

main().then((code) => {
  process.exitCode = code;
});
