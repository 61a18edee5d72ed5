import { type CloudApiError, FailureKind } from '../cloud/errors';
import type { KafkaInstance } from '../dms/wire';

/**
 * What follows a call DMS did not carry out: throttled at the gateway, or
 * refused for the whole call with `DMS.00400026`, "the operation is not
 * allowed due to the instance status".
 *
 * DMS refuses a restart batch whole when one instance in it is in a state it
 * cannot restart (Huawei's Terraform provider resends a restart answered
 * `400 DMS.00400026`, see docs/fidelity.md): nothing in the call was done,
 * and the answer does not say which instance it was. So a refused call of
 * several instances is split in two, and each half is read again and sent on
 * its own: the instances DMS takes go on, and the one it refuses is left
 * alone in the end. An instance refused alone, or a throttled call, is
 * waited for and sent again while its refusals stay under `attempts`.
 *
 * Bounded: each refusal is counted against every instance the call carried.
 * A call of `n` is split at most ceil(log2 n) times (6 for a batch of 50), so
 * an instance is sent at most max(`attempts`, ceil(log2 n) + 1) times here.
 */
export type AfterRefusal =
  | { again: false; tries: number }
  | { again: true; tries: number; split: boolean; groups: KafkaInstance[][] };

export function afterRefusal(
  e: CloudApiError,
  toSend: readonly KafkaInstance[],
  refusals: Map<string, number>,
  attempts: number,
): AfterRefusal {
  let tries = 0;
  for (const { instance_id: id } of toSend) {
    const n = (refusals.get(id) ?? 0) + 1;
    refusals.set(id, n);
    tries = Math.max(tries, n);
  }
  if (e.kind === FailureKind.Busy && toSend.length > 1) {
    const half = Math.ceil(toSend.length / 2);
    return { again: true, tries, split: true, groups: [toSend.slice(0, half), toSend.slice(half)] };
  }
  if (tries >= attempts) return { again: false, tries };
  return { again: true, tries, split: false, groups: [[...toSend]] };
}

/** The `retry` line before a call DMS did not carry out is sent again. */
export function retryLine(
  e: CloudApiError,
  operation: string,
  r: AfterRefusal & { again: true },
  attempts: number,
): Record<string, unknown> {
  return {
    kind: 'retry',
    operation,
    attempt: r.tries + 1,
    of: attempts,
    reason: e.kind,
    httpStatus: e.httpStatus,
    errorCode: e.errorCode,
    requestId: e.requestId,
    retryAfterMs: e.retryAfterMs,
    note: r.split
      ? `refused for the whole call: split in two calls of ${r.groups.map((g) => g.length).join(' and ')}, each re-checked before it is sent`
      : 'not applied; re-checked before it is sent again',
  };
}
