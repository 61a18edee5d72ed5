import type { CredentialSource, DmsCredentials } from '../dms/core';
import type { Clock } from '../exec/clock';
import type { TemporaryKeys } from './iam';

/** Keys are renewed when less than this part of their life, or 5 minutes, is left. */
const RENEW_SHARE = 1 / 3;
const RENEW_BEFORE_MAX_MS = 5 * 60_000;

/**
 * One account's agency keys for one invocation: asked for once, held in
 * memory only, and asked for again before they expire (an asynchronous run
 * can outlast them). Calls that need keys while a renewal is under way wait
 * for that one renewal; a renewal that fails fails the calls that wait.
 */
export class AgencySession implements CredentialSource {
  private keys: { credentials: DmsCredentials; expiresAt: number; renewAt: number } | undefined;
  private pending: Promise<void> | undefined;
  /** How many times keys were issued: once, plus each renewal. */
  issued = 0;

  constructor(
    private readonly issue: () => Promise<TemporaryKeys>,
    private readonly clock: Clock,
  ) {}

  async current(): Promise<DmsCredentials> {
    if (!this.keys || this.clock.now() >= this.keys.renewAt) {
      this.pending ??= this.renew().finally(() => {
        this.pending = undefined;
      });
      await this.pending;
    }
    return (this.keys as { credentials: DmsCredentials }).credentials;
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
 * The shortest duration IAM accepts that covers `remainingMs`, capped at
 * the account's own limit: keys that outlive the run are keys that could
 * leak for longer.
 */
export function durationFor(remainingMs: number, maxSeconds: number): number {
  const needed = Number.isFinite(remainingMs) ? Math.ceil(remainingMs / 1000) + 60 : maxSeconds;
  return Math.max(900, Math.min(maxSeconds, needed));
}
