import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator';
import { createDmsClient } from '../../src/dms/client';
import { assumeAgency, stsCalls } from '../../src/iam/sts';
import { actions, runHandler, writePolicyFile } from '../support/harness';
import {
  AGENCY,
  accountsYaml,
  MEMBERS,
  type MemberName,
  orgEnv,
  ownerOfProject,
  startOrganization,
} from '../support/organization';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const policy = (s: Simulator, extra = '', names?: MemberName[]) => `version: 1
accounts:
${accountsYaml(s, names)}
policies:
  restart:
    action: restart
    dryRun: false
    select:
      tags: { env: staging }
    batchSize: 10
    maxInstances: 50
${extra}`;

const domainOf = (name: string) => MEMBERS[name as MemberName]?.domainId;

describe('accounts: one policy in several accounts, each through its agency', () => {
  it('restarts in the accounts it can enter, records the one it cannot, and fails the invocation', async () => {
    sim = await startOrganization({ withoutAgency: ['audit'] });
    const s = sim;
    const r = await runHandler(s, {
      policy: policy(s),
      event: { policy: 'restart' },
      env: {
        ...orgEnv(s),
        // The topic is in the function's own account and project.
        SMN_TOPIC_URN: `urn:smn:cn-north-4:${s.projectId}:ops-alerts`,
        SMN_ENDPOINT: s.endpoint,
      },
    });

    // The invocation fails, naming the account that could not be entered.
    expect(r.error?.message).toMatch(
      /1 of 3 accounts could not be entered: audit: agency dms-kafka-maintenance: STS AssumeAgency failed: HTTP 404/,
    );
    const failed = r.lines.filter((l) => l.kind === 'account');
    expect(failed).toEqual([
      expect.objectContaining({
        kind: 'account',
        account: 'audit',
        domainId: MEMBERS.audit.domainId,
        verdict: 'failed',
        step: 'assume-agency',
        httpStatus: 404,
        errorCode: 'STS.0404',
      }),
    ]);

    // Payments (two regions) and search restarted everything they hold, each line naming its account.
    const restarted = r.outcomes.filter((o) => o.outcome === 'restarted');
    expect(restarted).toHaveLength(3 + 2 + 2);
    for (const o of r.outcomes) {
      expect(['payments', 'search']).toContain(o.account);
      expect(o.domainId).toBe(domainOf(o.account ?? ''));
      expect(o.instanceId.startsWith(o.account ?? '?')).toBe(true);
      expect(ownerOfProject(o.projectId ?? '')).toBe(o.account);
    }
    expect(s.fleetOf(MEMBERS.audit.projects['cn-north-4'])[0]?.status).toBe('RUNNING');

    // The total: a line per account, every target, the audit account failed.
    expect(r.total).toBeUndefined();
    const total = r.lines.find((l) => l.kind === 'total');
    expect(total).toMatchObject({
      succeeded: 7,
      // An account never entered was never run.
      complete: false,
      accountsFailed: 1,
      accounts: [
        { account: 'payments', verdict: 'succeeded', targets: 2, succeeded: 5 },
        { account: 'search', verdict: 'succeeded', targets: 1, succeeded: 2 },
        { account: 'audit', verdict: 'failed', targets: 0, errorCode: 'STS.0404' },
      ],
    });
    expect(total?.targets).toHaveLength(3);

    // One assume per account entered, by the function's own account.
    expect(s.issued.map((k) => k.domainId).sort()).toEqual(
      [MEMBERS.payments.domainId, MEMBERS.search.domainId].sort(),
    );
    expect(s.issued.every((k) => k.by === s.domainId && k.agency === AGENCY)).toBe(true);

    // One notification, in the function's own account, naming the account that failed.
    expect(s.published).toHaveLength(1);
    const message = s.published[0]?.message ?? '';
    expect(message).toContain('Accounts: 3, 1 did not succeed');
    expect(message).toMatch(
      /- audit \(c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3\): failed: agency dms-kafka-maintenance: STS AssumeAgency failed: HTTP 404/,
    );
    expect(s.requests.find((q) => q.route === 'publish')?.account).toBe(s.domainId);
  });

  it("signs every DMS call with the keys of the account that owns the project, never another's", async () => {
    sim = await startOrganization();
    const s = sim;
    const r = await runHandler(s, {
      policy: policy(s),
      event: { policy: 'restart' },
      env: orgEnv(s),
    });
    expect(r.error).toBeUndefined();
    const dms = s.requests.filter((q) => q.path.startsWith('/v2/'));
    expect(dms.length).toBeGreaterThan(10);
    for (const q of dms) {
      expect(q.signatureValid).toBe(true);
      expect(q.status).toBeLessThan(400);
      const project = q.path.split('/')[2] ?? '';
      expect(q.account).toBe(domainOf(ownerOfProject(project)));
    }
    // Projects were found through IAM, each with its own account's keys.
    const lookups = s.requests.filter((q) => q.route === 'listProjects');
    expect(lookups.map((q) => q.account).sort()).toEqual(
      [
        MEMBERS.payments.domainId,
        MEMBERS.payments.domainId,
        MEMBERS.search.domainId,
        MEMBERS.audit.domainId,
      ].sort(),
    );
    expect(actions(s)).toHaveLength(4);
  });

  it("refuses one account's keys on another account's project, and keys past their expiry", async () => {
    sim = await startOrganization({ maxKeyLifeMs: 400 });
    const s = sim;
    const central = stsCalls({ ak: s.ak, sk: s.sk }, s.endpoint, {
      timeoutMs: 2000,
      maxConcurrency: 1,
    });
    const keys = await assumeAgency(central, {
      agency: AGENCY,
      domainId: MEMBERS.payments.domainId,
      durationSeconds: 900,
    });
    const paymentsKeys = { ak: keys.ak, sk: keys.sk, securityToken: keys.securityToken };
    const own = createDmsClient({
      credentials: paymentsKeys,
      projectId: MEMBERS.payments.projects['cn-north-4'],
      endpoint: s.endpoint,
    });
    expect(await own.listInstances()).toHaveLength(3);
    const other = createDmsClient({
      credentials: paymentsKeys,
      projectId: MEMBERS.search.projects['cn-north-4'],
      endpoint: s.endpoint,
    });
    await expect(other.listInstances()).rejects.toThrow(
      /HTTP 401, APIG\.0301, .*project .* does not belong/,
    );
    await new Promise((res) => setTimeout(res, 450));
    await expect(own.listInstances()).rejects.toThrow(/HTTP 401, APIG\.0301, .*expired/);
    expect(s.requests.at(-1)?.authError).toBe('token-expired');
  });

  it('renews keys that expire mid-run, so a long campaign never signs with stale ones', async () => {
    // Keys live 1.5 s; the waves wait some 4 s for RUNNING.
    sim = await startOrganization({ maxKeyLifeMs: 1500, restartDelayMs: 1200 });
    const s = sim;
    const text = policy(
      s,
      '    batchSize: 1\n    waitForRunning: { timeoutSeconds: 60, pollSeconds: 1 }\n',
      ['search'],
    );
    const r = await runHandler(s, {
      policy: text.replace('    batchSize: 10\n', ''),
      event: { policy: 'restart' },
      env: orgEnv(s),
    });
    expect(r.error).toBeUndefined();
    expect(r.outcomes.filter((o) => o.outcome === 'restarted')).toHaveLength(2);
    const issued = s.issued.filter((k) => k.domainId === MEMBERS.search.domainId);
    expect(issued.length).toBeGreaterThanOrEqual(2);
    // No call was refused: every one went out with keys that were still good.
    expect(s.requests.filter((q) => q.status === 401)).toEqual([]);
    const used = new Set(s.requests.filter((q) => q.path.startsWith('/v2/')).map((q) => q.account));
    expect(used).toEqual(new Set([MEMBERS.search.domainId]));
  });

  it('runs only the accounts a policy picks by tags', async () => {
    sim = await startOrganization();
    const s = sim;
    const text = policy(s, '    accounts: { tags: { team: search } }\n');
    const r = await runHandler(s, { policy: text, event: { policy: 'restart' }, env: orgEnv(s) });
    expect(r.error).toBeUndefined();
    expect(new Set(r.outcomes.map((o) => o.account))).toEqual(new Set(['search']));
    expect(s.issued.map((k) => k.domainId)).toEqual([MEMBERS.search.domainId]);
  });

  for (const debug of ['*', 'DEBUG', 'axios']) {
    it(`prints no key or token of any account with DEBUG=${debug}, even when IAM and DMS echo the request`, async () => {
      sim = await startOrganization({ maxKeyLifeMs: 1500, restartDelayMs: 2500 });
      const s = sim;
      // Entering payments: the answer repeats the request's headers (the function's own signature).
      s.inject({
        route: 'assumeAgency',
        kind: 'echo-headers',
        status: 400,
        shape: 'apig',
        times: 1,
      });
      // A listing in an entered account does the same with the agency's keys and token.
      s.inject({
        route: 'listInstances',
        kind: 'echo-headers',
        status: 400,
        shape: 'dms',
        times: 1,
      });
      const text = policy(s, '    waitForRunning: { timeoutSeconds: 60, pollSeconds: 1 }\n');
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['test/support/accounts-probe.cjs'],
        {
          env: {
            ...process.env,
            DEBUG: debug,
            PROBE_POLICY_FILE: writePolicyFile(text),
            PROBE_AK: s.ak,
            PROBE_SK: s.sk,
            PROBE_ENDPOINT: s.endpoint,
          },
          timeout: 60_000,
        },
      );
      const out = stdout + stderr;
      if (process.env.SHOW_PROBE) console.log(out);
      // The echoes did happen, and the run went on in the others.
      expect(out).toContain('"failed":true');
      expect(out).toMatch(/Received headers/);
      expect(s.requests.filter((q) => q.route === 'instanceAction').length).toBeGreaterThan(0);
      // Keys were issued, and some renewed, during the run.
      expect(s.issued.length).toBeGreaterThanOrEqual(3);
      const secrets = [s.ak, s.sk, ...s.issued.flatMap((k) => [k.ak, k.sk, k.securityToken])];
      for (const secret of secrets) expect(out).not.toContain(secret);
      expect(out).not.toContain('SDK-HMAC-SHA256');
      expect(out).not.toContain('Signature=');
      expect(out.toLowerCase()).not.toContain('x-security-token');
    });
  }

  it('stops only the region whose project cannot be found, and names it', async () => {
    sim = await startOrganization();
    const s = sim;
    const text = `version: 1
accounts:
  - { name: search, domainId: ${MEMBERS.search.domainId}, agency: ${AGENCY}, regions: [{ region: cn-north-4, endpoint: "${s.endpoint}" }, { region: eu-west-101, endpoint: "${s.endpoint}" }] }
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    maxInstances: 50
`;
    const r = await runHandler(s, { policy: text, event: { policy: 'restart' }, env: orgEnv(s) });
    expect(r.error?.message).toMatch(
      /search\/eu-west-101\/\(unknown\): stopped: IAM KeystoneListProjects failed: HTTP 200, no project named eu-west-101 in this account; name its projectId/,
    );
    expect(r.lines.filter((l) => l.kind === 'account')).toEqual([
      expect.objectContaining({
        account: 'search',
        step: 'find-project',
        region: 'eu-west-101',
        httpStatus: 200,
      }),
    ]);
    // The region that was found ran in full.
    expect(r.outcomes.filter((o) => o.outcome === 'restarted')).toHaveLength(2);
    expect(r.lines.find((l) => l.kind === 'total')).toMatchObject({
      accounts: [{ account: 'search', verdict: 'partial', targets: 2, succeeded: 2 }],
    });
  });

  it('runs a project once when an account is listed twice, by id and by name', async () => {
    sim = await startOrganization();
    const s = sim;
    const at = `{ region: cn-north-4, endpoint: "${s.endpoint}" }`;
    const text = `version: 1
accounts:
  - { name: search, domainId: ${MEMBERS.search.domainId}, agency: ${AGENCY}, regions: [${at}] }
  - { name: search-again, domainName: search, agency: ${AGENCY}, regions: [${at}] }
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    maxInstances: 50
`;
    const r = await runHandler(s, { policy: text, event: { policy: 'restart' }, env: orgEnv(s) });
    // Each instance restarted once, by one of the two; the other entry stopped, naming why.
    expect(
      actions(s)
        .flatMap((a) => (a.body as { instances: string[] }).instances)
        .sort(),
    ).toEqual(
      s
        .fleetOf(MEMBERS.search.projects['cn-north-4'])
        .map((i) => i.instance_id)
        .sort(),
    );
    expect(r.error?.message).toMatch(
      /cn-north-4 reaches project b2000000000000000000000000000001, which account search(-again)? runs on already; list each account once/,
    );
  });

  it('refuses a half-formed credential answer, naming what is missing and repeating none of it', async () => {
    sim = await startOrganization();
    const s = sim;
    let secret = '';
    s.inject({
      route: 'assumeAgency',
      kind: 'rewrite',
      edit: (body) => {
        const c = (body as { credentials: Record<string, string> }).credentials;
        secret = c.secret_access_key ?? '';
        const { security_token: _dropped, ...rest } = c;
        return { credentials: rest };
      },
    });
    const r = await runHandler(s, {
      policy: policy(s, '', ['search']),
      event: { policy: 'restart' },
      env: orgEnv(s),
    });
    expect(r.error?.message).toMatch(
      /search: agency dms-kafka-maintenance: STS AssumeAgency failed: malformed, unexpected response: credentials\.security_token: expected string, got undefined/,
    );
    expect(secret).not.toBe('');
    expect(r.raw).not.toContain(secret);
    expect(actions(s)).toEqual([]);
  });
});
