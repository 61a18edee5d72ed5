import type { CredentialSource, Credentials } from '../cloud/core';
import type { Clock } from '../exec/clock';
import type { TemporaryKeys } from './keys';

/** Keys are renewed when less than this part of their life, or 5 minutes, is left. */
const RENEW_SHARE = 1 / 3;
const RENEW_BEFORE_MAX_MS = 5 * 60_000;
/** Keys this close to their end are not used, even when a renewal failed. */
const LAST_USE_MS = 30_000;

/**
 * One account's agency keys for one invocation: asked for once, held in
 * memory only, and asked for again before they expire (an asynchronous run
 * can outlast them). Calls that need keys while a renewal is under way wait
 * for that one renewal. A renewal that fails while the keys held still have
 * time left keeps them (the next call tries again); once they have not, the
 * calls fail with the renewal's error.
 */
export class AgencySession implements CredentialSource {
  private keys: { credentials: Credentials; expiresAt: number; renewAt: number } | undefined;
  private pending: Promise<void> | undefined;
  /** How many times keys were issued: once, plus each renewal. */
  issued = 0;

  constructor(
    private readonly issue: () => Promise<TemporaryKeys>,
    private readonly clock: Clock,
  ) {}

  async current(): Promise<Credentials> {
    const held = this.keys;
    if (held && this.clock.now() < held.renewAt) return held.credentials;
    this.pending ??= this.renew().finally(() => {
      this.pending = undefined;
    });
    try {
      await this.pending;
    } catch (e) {
      if (held && this.clock.now() < held.expiresAt - LAST_USE_MS) return held.credentials;
      throw e;
    }
    return (this.keys as { credentials: Credentials }).credentials;
  }

  private async renew(): Promise<void> {
    const issuedAt = this.clock.now();
    const k = await this.issue();
    this.issued++;
    const life = Math.max(0, k.expiresAt - issuedAt);
    this.keys = {
      credentials: { ak: k.ak, sk: k.sk, securityToken: k.securityToken },
      expiresAt: k.expiresAt,
      renewAt: k.expiresAt - Math.min(RENEW_BEFORE_MAX_MS, life * RENEW_SHARE),
    };
  }
}

/**
 * The shortest duration the call accepts (900 s, for STS and IAM v3 alike)
 * that covers `remainingMs` and the margin before the end at which keys are
 * renewed, capped at `maxSeconds`: the least of the account's limit and
 * what the call gives this caller (STS: 3600 s to a caller with a token;
 * src/iam/agency.ts). Keys that outlive the run are keys that could leak
 * for longer, and keys that end with it would all be renewed at once near
 * its end; keys capped below the run's length are renewed as it goes.
 */
export function durationFor(remainingMs: number, maxSeconds: number): number {
  const needed = Number.isFinite(remainingMs)
    ? Math.ceil((remainingMs + RENEW_BEFORE_MAX_MS) / 1000) + 60
    : maxSeconds;
  return Math.max(900, Math.min(maxSeconds, needed));
}
