import type { SimPolicy, SimulatorOptions } from '../../simulator';
import { type SimAccount, type Simulator, startSimulator } from '../../simulator';
import { staging } from './fleet';

/** The agency every member account has, unless a test leaves it out. */
export const AGENCY = 'dms-kafka-maintenance';

/** Three member accounts: payments (two regions), search (one), audit (one). */
export const MEMBERS = {
  payments: {
    domainId: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
    projects: {
      'cn-north-4': 'a1000000000000000000000000000001',
      'ap-southeast-1': 'a1000000000000000000000000000002',
    },
    sizes: [3, 2],
  },
  search: {
    domainId: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2',
    projects: { 'cn-north-4': 'b2000000000000000000000000000001' },
    sizes: [2],
  },
  audit: {
    domainId: 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3',
    projects: { 'cn-north-4': 'c3000000000000000000000000000001' },
    sizes: [1],
  },
} as const;
export type MemberName = keyof typeof MEMBERS;

/**
 * One simulator holding the function's own account and the three members,
 * each project with its own staging fleet (ids start with the account's
 * name). Members named in `withoutAgency` have no agency at all; a member
 * in `misroute` has an agency that hands out the keys of the member it
 * names instead of its own.
 */
export async function startOrganization(
  opts: {
    withoutAgency?: MemberName[];
    misroute?: Partial<Record<MemberName, MemberName>>;
  } & Omit<SimulatorOptions, 'organization'> & {
      maxKeyLifeMs?: number;
      /** The policies of the simulator's own keys (the function's agency); absent: the account's own keys. */
      callerPolicies?: SimPolicy[];
      /** STS's longest session for every member agency (default 3600). */
      maxSessionSeconds?: number;
    } = {},
): Promise<Simulator> {
  const {
    withoutAgency = [],
    misroute = {},
    maxKeyLifeMs,
    callerPolicies,
    maxSessionSeconds,
    ...rest
  } = opts;
  const home = 'd0000000000000000000000000000001';
  const agencyOf = (name: MemberName) => {
    const other = misroute[name];
    return {
      name: AGENCY,
      trusts: home,
      ...(other ? { issuesKeysOf: MEMBERS[other].domainId } : {}),
      ...(maxSessionSeconds ? { maxSessionSeconds } : {}),
    };
  };
  const accounts: SimAccount[] = Object.entries(MEMBERS).map(([name, m]) => ({
    domainId: m.domainId,
    domainName: name,
    projects: Object.entries(m.projects).map(([region, projectId], i) => ({
      region,
      projectId,
      fleet: staging(m.sizes[i] ?? 1, `${name}${i}`),
    })),
    agencies: withoutAgency.includes(name as MemberName) ? [] : [agencyOf(name as MemberName)],
  }));
  return startSimulator({
    fleet: staging(1, 'home'),
    ...rest,
    organization: {
      domainId: home,
      accounts,
      ...(maxKeyLifeMs ? { maxKeyLifeMs } : {}),
      ...(callerPolicies ? { callerPolicies } : {}),
    },
  });
}

/** The accounts section for the three members, every region at the simulator. */
export function accountsYaml(
  sim: Simulator,
  names: MemberName[] = ['payments', 'search', 'audit'],
): string {
  return names
    .map((name) => {
      const m = MEMBERS[name];
      const regions = Object.keys(m.projects)
        .map((region) => `{ region: ${region}, endpoint: "${sim.endpoint}" }`)
        .join(', ');
      return `  - { name: ${name}, domainId: ${m.domainId}, agency: ${AGENCY}, regions: [${regions}], tags: { team: ${name} } }`;
    })
    .join('\n');
}

/** Which member account (or `home`) a project belongs to. */
export function ownerOfProject(projectId: string): string {
  for (const [name, m] of Object.entries(MEMBERS)) {
    if ((Object.values(m.projects) as string[]).includes(projectId)) return name;
  }
  return 'home';
}

/** The env that runs the handler across accounts: IAM and STS at the simulator, no project of its own. */
export function orgEnv(sim: Simulator): Record<string, string | undefined> {
  return {
    IAM_ENDPOINT: sim.endpoint,
    STS_ENDPOINT: sim.endpoint,
    DMS_ENDPOINT: undefined,
    HUAWEICLOUD_SDK_PROJECT_ID: undefined,
  };
}
