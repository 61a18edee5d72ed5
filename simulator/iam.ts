/**
 * IAM as the simulator serves it: agencies that trust another account,
 * temporary keys issued for them (and expiring), and project look-ups that
 * name the account each project belongs to. An agency can be misrouted to
 * hand out another account's keys, as a wrong trust or a mistyped agency
 * would in a real organization.
 * Every key belongs to one account; a DMS call is accepted only for that
 * account's projects, so a test can prove one account's keys never reach
 * another's fleet.
 *
 * Shapes from IAM's API pages: `POST /v3.0/OS-CREDENTIAL/securitytokens`
 * (https://support.huaweicloud.com/intl/en-us/api-iam/iam_04_0101.html) and
 * `GET /v3/projects?name=`. Error bodies take keystone's `{error: {code,
 * message, title}}` shape; the exact codes IAM gives a missing agency are
 * not documented there, so the simulator's are ours. STS's AssumeAgency,
 * the call for an account named by its id, is in sts.ts; both issue keys
 * through {@link Iam.mint}, and both refuse a caller whose policies lack the
 * call's documented action (grants.ts).
 */
import { randomBytes } from 'node:crypto';
import { granted, type SimPolicy } from './grants';
import { json, type Reply } from './reply';

/** A key the simulator accepts, and the account it belongs to. */
export interface KeyEntry {
  sk: string;
  securityToken?: string | undefined;
  domainId: string;
  /** Epoch ms on the simulator's clock; absent for permanent keys. */
  expiresAt?: number | undefined;
  /**
   * The policies attached to whoever holds the keys (an agency's); absent:
   * the account's own keys, which may call every API.
   */
  policies?: readonly SimPolicy[] | undefined;
}

/** Who signed an IAM or STS call: the account, its policies, and whether it sent a token. */
export interface SimCaller {
  domainId: string;
  policies: readonly SimPolicy[] | undefined;
  /** The request carried `X-Security-Token`: the caller signs with temporary keys. */
  withToken: boolean;
}

export interface SimAgency {
  name: string;
  /** The account (domain id) the agency trusts. */
  trusts: string;
  /**
   * The account whose keys the agency hands out, when not its own: a
   * misrouted agency, for tests that prove the run checks whose keys it holds.
   */
  issuesKeysOf?: string | undefined;
  /**
   * The longest session STS's AssumeAgency gives for it: 3600 s unless
   * raised, up to 43200 (api-iam5 UpdateAgencyV5, `max_session_duration`).
   */
  maxSessionSeconds?: number | undefined;
}

/** One account of an organization: its projects by region, and its agencies. */
export interface SimDomain {
  domainId: string;
  domainName: string;
  /** region -> project id. */
  projects: Map<string, string>;
  agencies: SimAgency[];
}

/** Keys issued by IAM: who, for which agency, valid until when. */
export interface IssuedKey {
  ak: string;
  /** Kept so that tests can prove no output ever holds them. */
  sk: string;
  securityToken: string;
  /** The account the keys belong to. */
  domainId: string;
  /** The account of the agency that issued them: `domainId`, unless the agency is misrouted. */
  agencyDomainId: string;
  agency: string;
  by: string;
  /** Which call issued them: STS's AssumeAgency, or IAM v3's assume_role. */
  call: IssuingCall;
  durationSeconds: number;
  expiresAt: number;
}

export type IssuingCall = 'AssumeAgency' | 'CreateTemporaryAccessKeyByAgency';

export class Iam {
  readonly keys = new Map<string, KeyEntry>();
  readonly domains = new Map<string, SimDomain>();
  readonly issued: IssuedKey[] = [];
  /** Issued keys live at most this long, whatever was asked; for tests that watch renewals. */
  maxKeyLifeMs: number | undefined;

  addDomain(d: SimDomain): void {
    this.domains.set(d.domainId, d);
  }

  /** The projects the account of a key may call. */
  projectsOf(domainId: string): ReadonlySet<string> {
    return new Set(this.domains.get(domainId)?.projects.values() ?? []);
  }

  byName(name: string): SimDomain | undefined {
    for (const d of this.domains.values()) if (d.domainName === name) return d;
    return undefined;
  }

  /**
   * `assume_role`: keys for an agency in another account that trusts the
   * caller's, to a caller whose Version 1.1 policies grant
   * `iam:tokens:assume` (IAM's permissions table, which iam_04_0101 points to).
   */
  assume(caller: SimCaller, body: unknown, now: number): Reply {
    const callerDomain = caller.domainId;
    const role = (
      body as { auth?: { identity?: { methods?: unknown; assume_role?: Record<string, unknown> } } }
    )?.auth?.identity;
    const r = role?.assume_role;
    if (!Array.isArray(role?.methods) || !role.methods.includes('assume_role') || !r) {
      return keystone(
        400,
        'Bad Request',
        'auth.identity.methods must hold assume_role, with assume_role',
      );
    }
    // A 1.1 custom policy names no resource for IAM's actions: the grant is judged on the action.
    if (!granted(caller.policies, '1.1', 'iam:tokens:assume', '*')) {
      return keystone(
        403,
        'Forbidden',
        'You are not authorized to perform the requested action: iam:tokens:assume',
      );
    }
    const duration = r.duration_seconds === undefined ? 900 : r.duration_seconds;
    if (
      typeof duration !== 'number' ||
      !Number.isInteger(duration) ||
      duration < 900 ||
      duration > 86_400
    ) {
      return keystone(400, 'Bad Request', 'duration_seconds must be 900 to 86400');
    }
    const target =
      typeof r.domain_id === 'string'
        ? this.domains.get(r.domain_id)
        : typeof r.domain_name === 'string'
          ? this.byName(r.domain_name)
          : undefined;
    const agency = target?.agencies.find((a) => a.name === r.agency_name);
    if (!target || !agency) {
      return keystone(404, 'Not Found', `Could not find agency: ${String(r.agency_name)}`);
    }
    if (agency.trusts !== callerDomain) {
      return keystone(403, 'Forbidden', 'The agency does not trust the account of the caller');
    }
    const by = { domainId: callerDomain, call: 'CreateTemporaryAccessKeyByAgency' } as const;
    const k = this.mint(target, agency, by, duration, now);
    return json(201, {
      credential: {
        access: k.ak,
        secret: k.sk,
        securitytoken: k.securityToken,
        expires_at: new Date(k.expiresAt).toISOString(),
      },
    });
  }

  /**
   * New keys for `agency` of the account `target`, valid for
   * `durationSeconds` (or the test's cap): keys of that account, or of the
   * one a misrouted agency hands out.
   */
  mint(
    target: SimDomain,
    agency: SimAgency,
    by: { domainId: string; call: IssuingCall },
    durationSeconds: number,
    now: number,
  ): IssuedKey {
    const domainId = agency.issuesKeysOf ?? target.domainId;
    const agencyDomainId = target.domainId;
    const expiresAt =
      now + Math.min(durationSeconds * 1000, this.maxKeyLifeMs ?? Number.POSITIVE_INFINITY);
    const ak = `TMP${randomBytes(9).toString('hex').toUpperCase()}`;
    const sk = randomBytes(20).toString('hex');
    const securityToken = `tok-${randomBytes(24).toString('base64url')}`;
    this.keys.set(ak, { sk, securityToken, domainId, expiresAt });
    const issued: IssuedKey = {
      ak,
      sk,
      securityToken,
      domainId,
      agencyDomainId,
      agency: agency.name,
      by: by.domainId,
      call: by.call,
      durationSeconds,
      expiresAt,
    };
    this.issued.push(issued);
    return issued;
  }

  /**
   * `GET /v3/projects?name=`: the caller's account's projects of that name,
   * each with the account it belongs to (`domain_id`, and `parent_id` for a
   * region's project), as IAM answers them.
   */
  listProjects(callerDomain: string, name: string | undefined): Reply {
    const d = this.domains.get(callerDomain);
    const projects = [...(d?.projects ?? [])]
      .filter(([region]) => name === undefined || region === name)
      .map(([region, id]) => ({
        id,
        name: region,
        domain_id: callerDomain,
        parent_id: callerDomain,
        is_domain: false,
        enabled: true,
        description: '',
        links: { self: `/v3/projects/${id}` },
      }));
    return json(200, { projects, links: { self: '/v3/projects' } });
  }
}

function keystone(code: number, title: string, message: string): Reply {
  return json(code, { error: { code, title, message } });
}
