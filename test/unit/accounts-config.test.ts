import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { agencyCall, holdsToken, longestSeconds } from '../../src/iam/agency';
import { AgencySession, durationFor } from '../../src/iam/session';
import { loadPolicyFile, parseAccounts, parsePolicies } from '../../src/policy/load';
import { writePolicyFile } from '../support/harness';

const A = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const B = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';

const file = (accounts: string, policy = '', extra = '') => `version: 1
${extra}accounts:
${accounts}
policies:
  restart:
    action: restart
    select: { tags: { env: staging } }
${policy}`;

const TWO = `  - { name: pay, domainId: ${A}, agency: ops, regions: [cn-north-4, { region: ap-southeast-1, projectId: p2 }], tags: { env: prod } }
  - { name: search, domainId: ${B}, agency: ops, regions: [cn-north-4], tags: { env: staging } }`;

/** Every issue of a ConfigError as `path: message`. */
function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('no ConfigError');
}

describe('the accounts section', () => {
  it('resolves every account, and by default a policy runs in all of them', () => {
    const p = parsePolicies(file(TWO)).get('restart');
    expect(p?.targets).toBeUndefined();
    expect(p?.accounts).toEqual([
      {
        name: 'pay',
        domainId: A,
        domainName: undefined,
        agency: 'ops',
        maxDurationSeconds: 3600,
        regions: [{ region: 'cn-north-4' }, { region: 'ap-southeast-1', projectId: 'p2' }],
        tags: { env: 'prod' },
      },
      expect.objectContaining({ name: 'search', domainId: B }),
    ]);
  });

  it('lets a policy pick accounts by tags or by name', () => {
    const byTag = parsePolicies(file(TWO, '    accounts: { tags: { env: staging } }\n'));
    expect(byTag.get('restart')?.accounts?.map((a) => a.name)).toEqual(['search']);
    const byName = parsePolicies(file(TWO, '    accounts: { names: [pay] }\n'));
    expect(byName.get('restart')?.accounts?.map((a) => a.name)).toEqual(['pay']);
  });

  it('refuses what it cannot run safely, naming the path of each problem', () => {
    expect(
      issuesOf(() => parsePolicies(file(`  - { name: x, agency: ops, regions: [cn-north-4] }`))),
    ).toEqual([
      'accounts[0].domainId: an account entered through an agency needs its domainId (or domainName)',
    ]);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(
            `  - { name: x, domainId: ${A}, agency: a, regions: [cn-north-4] }\n  - { name: x, domainId: ${B}, agency: a, regions: [cn-north-4] }`,
          ),
        ),
      ),
    ).toEqual(['accounts[1].name: duplicate account name: already accounts[0]']);
    expect(issuesOf(() => parsePolicies(file(TWO, '    accounts: { names: [nope] }\n')))).toEqual([
      'policies.restart.accounts.names: no account is named "nope"; known: pay, search',
    ]);
    expect(
      issuesOf(() => parsePolicies(file(TWO, '    accounts: { tags: { env: qa } }\n'))),
    ).toEqual(['policies.restart.accounts: selects none of the 2 accounts']);
    expect(
      issuesOf(() =>
        parsePolicies(file(TWO, '    targets: [{ region: cn-north-4, projectId: p1 }]\n')),
      )[0],
    ).toMatch(/^policies\.restart\.targets: a policy runs on targets or in accounts, not both/);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(TWO, '', 'defaults: { targets: [{ region: cn-north-4, projectId: p1 }] }\n'),
        ),
      )[0],
    ).toMatch(/^defaults\.targets: /);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(
            `  - { name: x, domainId: ${A}, agency: ops, durationSeconds: 600, regions: [cn-north-4] }`,
          ),
        ),
      ),
    ).toEqual(["accounts[0].durationSeconds: at least 900 seconds (IAM's shortest)"]);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(`  - { name: x, domainId: ${A}, agency: a, regions: [cn-north-40000] }`),
        ),
      )[0],
    ).toMatch(/^accounts\[0\]\.regions\[0\]: /);
  });

  it('never lets two entries reach one fleet, nor label the own account as a member', () => {
    expect(
      issuesOf(() => parsePolicies(file(`  - { name: x, domainId: ${A}, regions: [cn-north-4] }`))),
    ).toEqual([
      "accounts[0].agency: an account named by its id is entered through its agency; add agency, or leave out domainId and domainName for this function's own account",
    ]);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(
            '  - { name: x, regions: [cn-north-4] }\n  - { name: y, regions: [ap-southeast-1] }',
          ),
        ),
      ),
    ).toEqual(['accounts[1]: the same account as accounts[0] (no agency); list each account once']);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(
            `  - { name: x, domainId: ${A}, agency: a, regions: [cn-north-4] }\n  - { name: y, domainId: ${A}, agency: b, regions: [ap-southeast-1] }`,
          ),
        ),
      ),
    ).toEqual([`accounts[1]: the same account as accounts[0] (${A}); list each account once`]);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(`  - { name: x, domainId: ${A}, agency: a, regions: [cn-north-4, cn-north-4] }`),
        ),
      ),
    ).toEqual(['accounts[0].regions[1]: region cn-north-4 twice in this account']);
    expect(
      issuesOf(() =>
        parsePolicies(
          file(
            `  - { name: x, domainId: ${A}, agency: a, regions: [{ region: cn-north-4, projectId: p1 }] }\n  - { name: y, domainId: ${B}, agency: a, regions: [{ region: cn-north-4, projectId: p1 }] }`,
          ),
        ),
      ),
    ).toEqual(['accounts[1].regions[0].projectId: this project is already accounts[0].regions[0]']);
    expect(
      issuesOf(() =>
        parseAccounts(
          `domains:\n  - { name: x, domain_id: ${A}, agency_urn: "iam::${A}:agency:a", regions: [cn-north-4] }\n  - { name: y, domain_id: ${A}, agency_urn: "iam::${A}:agency:b", regions: [cn-north-4] }\n`,
        ),
      ),
    ).toEqual([`domains[1]: the same account as domains[0] (${A}); list each account once`]);
  });

  it('refuses an accounts selector in a file without accounts', () => {
    const text = `version: 1
policies:
  restart:
    action: restart
    select: { tags: { env: staging } }
    accounts: { names: [pay] }
`;
    expect(issuesOf(() => parsePolicies(text))).toEqual([
      'policies.restart.accounts: the file names no accounts (an accounts section, or ACCOUNTS_FILE)',
    ]);
  });
});

describe('an accounts file (ACCOUNTS_FILE)', () => {
  it("reads c7n-org's domains: shape, the agency and account from agency_urn", () => {
    const accounts = parseAccounts(`domains:
  - name: pay
    domain_id: ${A}
    agency_urn: iam::${A}:agency:c7n-org-agency
    duration_seconds: 3600
    regions: [cn-north-4]
    tags: { team: payments }
    status: normal
`);
    expect(accounts).toEqual([
      {
        name: 'pay',
        domainId: A,
        domainName: undefined,
        agency: 'c7n-org-agency',
        maxDurationSeconds: 3600,
        regions: [{ region: 'cn-north-4' }],
        tags: { team: 'payments' },
      },
    ]);
  });

  it('refuses an agency_urn of another account than domain_id', () => {
    expect(
      issuesOf(() =>
        parseAccounts(
          `domains:\n  - { name: pay, domain_id: ${A}, agency_urn: "iam::${B}:agency:x", regions: [cn-north-4] }\n`,
        ),
      ),
    ).toEqual(["domains[0].agency_urn: the agency's account differs from domain_id"]);
  });

  it('reaches only the policies that ask for its accounts, and is refused beside a file that has them', async () => {
    const accountsFile = writePolicyFile(`accounts:\n${TWO}\n`);
    const plain = writePolicyFile(`version: 1
policies:
  restart:
    action: restart
    select: { tags: { env: staging } }
`);
    // Setting ACCOUNTS_FILE never sends a policy into accounts it did not name.
    await expect(loadPolicyFile(plain, accountsFile)).rejects.toThrow(
      /policies\.restart\.accounts: ACCOUNTS_FILE names accounts: say which this policy runs in \(accounts: \{\} for every one of them\)/,
    );
    const asking = writePolicyFile(`version: 1
policies:
  restart:
    action: restart
    select: { tags: { env: staging } }
    accounts: {}
  search-only:
    action: restart
    select: { tags: { env: staging } }
    accounts: { names: [search] }
`);
    const policies = await loadPolicyFile(asking, accountsFile);
    expect(policies.get('restart')?.accounts?.map((a) => a.name)).toEqual(['pay', 'search']);
    expect(policies.get('search-only')?.accounts?.map((a) => a.name)).toEqual(['search']);
    const both = writePolicyFile(file(TWO));
    await expect(loadPolicyFile(both, accountsFile)).rejects.toThrow(
      /accounts: accounts are named both here and in ACCOUNTS_FILE/,
    );
    writeFileSync(accountsFile, 'accounts: []\n');
    await expect(loadPolicyFile(asking, accountsFile)).rejects.toThrow(
      /accounts: at least one account/,
    );
  });
});

describe('how long agency keys are asked for', () => {
  it('asks for the shortest IAM accepts that covers the run, within the account limit', () => {
    expect(durationFor(5 * 60_000, 86_400)).toBe(900);
    // Two hours, the 5 minutes before the end at which keys are renewed, and a minute.
    expect(durationFor(2 * 3_600_000, 86_400)).toBe(7560);
    expect(durationFor(2 * 3_600_000, 3600)).toBe(3600);
    expect(durationFor(72 * 3_600_000, 86_400)).toBe(86_400);
    expect(durationFor(Number.POSITIVE_INFINITY, 43_200)).toBe(43_200);
  });
});

describe('the call that enters an account, and how long its keys may live', () => {
  const one = (entry: string) => parsePolicies(file(`  - ${entry}`)).get('restart')?.accounts?.[0];

  it('enters by id through STS, by name through IAM v3, each with its documented grant', () => {
    expect(agencyCall({ domainId: A, domainName: undefined })).toEqual({
      kind: 'sts',
      domainId: A,
      action: 'sts:agencies:assume',
    });
    expect(agencyCall({ domainId: undefined, domainName: 'search' })).toEqual({
      kind: 'iam-v3',
      domainName: 'search',
      action: 'iam:tokens:assume',
    });
  });

  it('asks for no longer than the call gives: STS 3600 s to a caller with a token, 43200 s else; IAM v3 86400 s', () => {
    const sts = agencyCall({ domainId: A });
    expect(longestSeconds(sts, true)).toBe(3600);
    expect(longestSeconds(sts, false)).toBe(43_200);
    expect(longestSeconds(agencyCall({ domainName: 'search' }), true)).toBe(86_400);
    // A FunctionGraph run of two hours holds keys of one hour, renewed before their end.
    expect(durationFor(2 * 3_600_000, longestSeconds(sts, true))).toBe(3600);
    expect(holdsToken({ ak: 'a', sk: 's', securityToken: 't' })).toBe(true);
    expect(holdsToken({ ak: 'a', sk: 's' })).toBe(false);
  });

  it("defaults to STS's 3600 s by id and IAM v3's 86400 s by name, and refuses more than STS gives by id", () => {
    expect(one(`{ name: x, domainId: ${A}, agency: ops, regions: [cn-north-4] }`)).toMatchObject({
      maxDurationSeconds: 3600,
    });
    expect(one('{ name: x, domainName: x, agency: ops, regions: [cn-north-4] }')).toMatchObject({
      maxDurationSeconds: 86_400,
    });
    expect(
      one('{ name: x, domainName: x, agency: ops, durationSeconds: 86400, regions: [cn-north-4] }'),
    ).toMatchObject({ maxDurationSeconds: 86_400 });
    expect(
      issuesOf(() =>
        parsePolicies(
          file(
            `  - { name: x, domainId: ${A}, agency: ops, durationSeconds: 86400, regions: [cn-north-4] }`,
          ),
        ),
      ),
    ).toEqual([
      "accounts[0].durationSeconds: at most 43200 seconds for an account named by its id (STS AssumeAgency's longest)",
    ]);
    expect(
      issuesOf(() =>
        parseAccounts(
          `domains:\n  - { name: x, domain_id: ${A}, agency_urn: "iam::${A}:agency:a", duration_seconds: 43201, regions: [cn-north-4] }\n`,
        ),
      ),
    ).toEqual([
      "domains[0].duration_seconds: at most 43200 seconds for an account named by its id (STS AssumeAgency's longest)",
    ]);
  });
});

describe('an agency session', () => {
  const keys = (n: number, expiresAt: number) => ({
    ak: `AK${n}`,
    sk: `SK${n}`,
    securityToken: `T${n}`,
    expiresAt,
  });
  const clockAt = (start: number) => {
    const c = { t: start, now: () => c.t, sleep: async () => {} };
    return c;
  };

  it('asks IAM once for calls that need keys at the same time, and again only near the end', async () => {
    const clock = clockAt(0);
    let asked = 0;
    const session = new AgencySession(async () => {
      asked++;
      return keys(asked, clock.t + 3_600_000);
    }, clock);
    const first = await Promise.all([session.current(), session.current(), session.current()]);
    expect(asked).toBe(1);
    expect(new Set(first.map((k) => k.ak))).toEqual(new Set(['AK1']));
    // An hour's keys: renewed 5 minutes before their end, not before.
    clock.t = 3_600_000 - 5 * 60_000 - 1;
    expect((await session.current()).ak).toBe('AK1');
    clock.t += 1;
    expect((await session.current()).ak).toBe('AK2');
    expect(session.issued).toBe(2);
  });

  it('keeps keys that still work when a renewal fails, and fails once they do not', async () => {
    const clock = clockAt(0);
    let fail = false;
    const session = new AgencySession(async () => {
      if (fail) throw new Error('AssumeAgency failed: HTTP 429');
      return keys(1, clock.t + 900_000);
    }, clock);
    await session.current();
    fail = true;
    clock.t = 900_000 - 60_000; // past the renewal point, a minute before the end
    expect((await session.current()).ak).toBe('AK1');
    clock.t = 900_000 - 20_000; // too close to the end to use them
    await expect(session.current()).rejects.toThrow(/HTTP 429/);
  });
});
