import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE, writePackage } from '../../scripts/pack';
import { zip } from '../../scripts/zip';
import { unzip } from '../support/unzip';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

/** A scratch folder with a stand-in bundle at dist/index.js. */
async function scratch(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pack-'));
  roots.push(root);
  await mkdir(join(root, 'dist'));
  await writeFile(join(root, PACKAGE.bundle), 'exports.handler = async () => ({});\n');
  await writeFile(join(root, PACKAGE.sdk), 'exports.ClientBuilder = class {};\n');
  await copyFile('policies.yaml', join(root, 'policies.yaml'));
  return root;
}

describe('zip', () => {
  it('writes entries that read back byte for byte', () => {
    const big = Buffer.from('x'.repeat(100_000));
    const files = unzip(
      zip([
        { name: 'index.js', data: Buffer.from('exports.handler = 1;\n') },
        { name: 'dir/big.txt', data: big },
        { name: 'empty', data: Buffer.alloc(0) },
      ]),
    );
    expect([...files.keys()]).toEqual(['index.js', 'dir/big.txt', 'empty']);
    expect(files.get('dir/big.txt')?.equals(big)).toBe(true);
    expect(files.get('empty')?.length).toBe(0);
  });

  it('makes the same bytes from the same files', () => {
    const entries = [{ name: 'a', data: Buffer.from('a') }];
    expect(zip(entries).equals(zip(entries))).toBe(true);
  });

  it('refuses names that would land outside the code root, and duplicates', () => {
    const data = Buffer.from('');
    for (const name of ['', '/etc/passwd', '../x', 'a/../../x', 'a\\b']) {
      expect(() => zip([{ name, data }])).toThrow(/bad zip entry name/);
    }
    expect(() =>
      zip([
        { name: 'a', data },
        { name: 'a', data },
      ]),
    ).toThrow(/duplicate/);
  });
});

describe('npm run package', () => {
  it('zips exactly the bundle, the SDK file it loads and the policy file, as the function code root', async () => {
    const root = await scratch();
    const m = await writePackage({ policyFile: join(root, 'policies.yaml'), root });
    const files = unzip(await readFile(join(root, PACKAGE.zip)));
    expect([...files.keys()]).toEqual(['index.js', 'sdk.js', 'policies.yaml']);
    expect(files.get('index.js')?.equals(await readFile(join(root, PACKAGE.bundle)))).toBe(true);
    expect(files.get('sdk.js')?.equals(await readFile(join(root, PACKAGE.sdk)))).toBe(true);
    expect(files.get('policies.yaml')?.equals(await readFile('policies.yaml'))).toBe(true);
    for (const [name, data] of files) {
      expect((await readFile(join(root, PACKAGE.codeDir, name))).equals(data)).toBe(true);
    }
    expect(JSON.parse(await readFile(join(root, PACKAGE.manifest), 'utf8'))).toEqual(m);
    expect(m.zipBytes).toBe((await readFile(join(root, PACKAGE.zip))).length);
  });

  it('gives the same zip twice, so an unchanged package is no change to deploy', async () => {
    const root = await scratch();
    const policyFile = join(root, 'policies.yaml');
    const first = await writePackage({ policyFile, root });
    const second = await writePackage({ policyFile, root });
    expect(second.zipSha256).toBe(first.zipSha256);
  });

  it('packages an accounts file as accounts.yaml, checked with the policy file as the function reads both', async () => {
    const root = await scratch();
    const accountsFile = join(root, 'accounts.c7n.yml');
    await copyFile('examples/accounts.c7n.yml', accountsFile);
    // policies.yaml's policies do not say which accounts they run in: refused, nothing written.
    await expect(
      writePackage({ policyFile: join(root, 'policies.yaml'), accountsFile, root }),
    ).rejects.toThrow(/ACCOUNTS_FILE names accounts: say which this policy runs in/);
    expect(existsSync(join(root, PACKAGE.zip))).toBe(false);
    const policyFile = join(root, 'asking.yaml');
    await writeFile(
      policyFile,
      'version: 1\npolicies:\n  r:\n    action: restart\n    select: { tags: { env: staging } }\n    accounts: {}\n',
    );
    const m = await writePackage({ policyFile, accountsFile, root });
    const files = unzip(await readFile(join(root, PACKAGE.zip)));
    expect([...files.keys()]).toEqual(['index.js', 'sdk.js', 'policies.yaml', 'accounts.yaml']);
    expect(files.get('accounts.yaml')?.equals(await readFile(accountsFile))).toBe(true);
    expect(m).toMatchObject({ files: [...files.keys()], accountsFile });
    expect(m.accountsSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a policy file the function would refuse, and writes nothing', async () => {
    const root = await scratch();
    const bad = join(root, 'bad.yaml');
    await writeFile(bad, 'version: 1\npolicies:\n  r: { action: restart }\n');
    await expect(writePackage({ policyFile: bad, root })).rejects.toThrow(
      /policies\.r\.select\.tags/,
    );
    expect(existsSync(join(root, PACKAGE.zip))).toBe(false);
  });
});
