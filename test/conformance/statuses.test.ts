/**
 * The status table (src/dms/status.ts) against the one source the project
 * installs: the official Node SDK's ListInstances status enum. Every status it
 * names must be one the function knows; none it names may be marked
 * unconfirmed; and the unconfirmed ones are never acted on but as the table says.
 */
import { ListInstancesRequestStatusEnum } from '@huaweicloud/huaweicloud-sdk-kafka';
import { describe, expect, it } from 'vitest';
import {
  FAILED_STATUS,
  InstanceStatus,
  isKnownStatus,
  RESTARTABLE_STATUSES,
  UNCONFIRMED_STATUSES,
} from '../../src/dms/status';

const sdk = Object.values(ListInstancesRequestStatusEnum) as string[];

describe('the status table against the official SDK', () => {
  it('knows every status the SDK names', () => {
    expect(sdk.length).toBeGreaterThan(10);
    expect(sdk.filter((s) => !isKnownStatus(s))).toEqual([]);
  });

  it('marks unconfirmed only statuses the SDK does not name', () => {
    expect([...UNCONFIRMED_STATUSES].filter((s) => sdk.includes(s))).toEqual([]);
    expect([...UNCONFIRMED_STATUSES].sort()).toEqual(['FAULTY', 'RESIZING', 'RESIZING FAILED']);
  });

  it('acts on an unconfirmed status only by restarting FAULTY where a policy names it', () => {
    for (const s of UNCONFIRMED_STATUSES) expect(isKnownStatus(s)).toBe(true);
    expect(RESTARTABLE_STATUSES.filter((s) => UNCONFIRMED_STATUSES.has(s))).toEqual([
      InstanceStatus.Faulty,
    ]);
    expect(UNCONFIRMED_STATUSES.has(FAILED_STATUS)).toBe(false);
  });
});
