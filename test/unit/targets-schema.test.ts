import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { parsePolicies } from '../../src/policy/load';

const P1 = 'a1000000000000000000000000000001';
const P2 = 'b2000000000000000000000000000002';

/** A restart policy with `targets` at `where`: in the policy or in `defaults`. */
function file(targets: string, where: 'policy' | 'defaults' = 'policy'): string {
  const t = `  targets:\n${targets}`;
  return `version: 1
${where === 'defaults' ? `defaults:\n${t}\n` : ''}policies:
  weekly:
    action: restart
    select: { tags: { env: staging } }
${where === 'policy' ? t.replace(/^/gm, '  ') : ''}
`;
}

/** The issues a policy file is refused with, as `path: message`. */
function issues(text: string): string[] {
  try {
    parsePolicies(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('the policy file was accepted');
}

describe('targets in the policy file', () => {
  it('takes targets from the policy, else from defaults, endpoint optional', () => {
    const own = parsePolicies(
      file(
        `    - { region: cn-north-4, projectId: "${P1}", endpoint: "https://dms.example:8443" }`,
      ),
    ).get('weekly');
    expect(own?.targets).toEqual([
      { region: 'cn-north-4', projectId: P1, endpoint: 'https://dms.example:8443' },
    ]);
    const inherited = parsePolicies(
      file(`    - { region: eu-west-101, projectId: "${P2}" }`, 'defaults'),
    ).get('weekly');
    expect(inherited?.targets).toEqual([{ region: 'eu-west-101', projectId: P2 }]);
  });

  it('has no targets when neither the policy nor defaults set them', () => {
    const p = parsePolicies(
      'version: 1\npolicies:\n  weekly:\n    action: restart\n    select: { tags: { env: staging } }\n',
    );
    expect(p.get('weekly')?.targets).toBeUndefined();
  });

  it('refuses a bad region id with its path', () => {
    expect(issues(file(`    - { region: North-4, projectId: "${P1}" }`))).toEqual([
      'policies.weekly.targets[0].region: not a region id such as cn-north-4 or eu-west-101',
    ]);
  });

  it('refuses a duplicate region and project, naming the first', () => {
    const text = file(
      [
        `    - { region: cn-north-4, projectId: "${P1}" }`,
        `    - { region: cn-north-4, projectId: "${P2}" }`,
        `    - { region: cn-north-4, projectId: "${P1}", endpoint: "https://other.example" }`,
      ].join('\n'),
      'defaults',
    );
    expect(issues(text)).toEqual([
      'defaults.targets[2]: duplicate target: region cn-north-4 and this projectId are already targets[0]',
    ]);
  });

  it('refuses an endpoint with userinfo, never repeating it', () => {
    const secret = 'AKEXAMPLE:SKEXAMPLE';
    const found = issues(
      file(
        `    - { region: cn-north-4, projectId: "${P1}", endpoint: "https://${secret}@dms.example" }`,
      ),
    );
    expect(found).toEqual([
      'policies.weekly.targets[0].endpoint: must not carry a user or password (user:pw@host)',
    ]);
    expect(found.join('\n')).not.toContain('AKEXAMPLE');
  });

  it('refuses an endpoint with a path, a bad project id and an unknown key, all at once', () => {
    expect(
      issues(
        file(
          `    - { region: cn-north-4, projectId: "a b", endpoint: "https://dms.example/v2", zone: x }`,
        ),
      ),
    ).toEqual([
      'policies.weekly.targets[0].projectId: a project id is 1-64 letters, digits, - and _',
      'policies.weekly.targets[0].endpoint: must be a bare origin such as https://host:port, without path, query or fragment',
      'policies.weekly.targets[0].zone: unknown key',
    ]);
  });

  it('refuses an empty list and more than 20 targets', () => {
    expect(issues(file('    []'))).toEqual([
      'policies.weekly.targets: at least one target; leave targets out to run on the project from the environment',
    ]);
    const many = Array.from(
      { length: 21 },
      (_, i) => `    - { region: cn-north-4, projectId: "p${i}" }`,
    ).join('\n');
    expect(issues(file(many, 'defaults'))).toEqual(['defaults.targets: at most 20 targets']);
  });
});
