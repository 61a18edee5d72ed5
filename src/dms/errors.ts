import { type CloudApiError, FailureKind, isDmsApiError } from '../cloud/errors';

// DMS's callers read the shared API error and its kinds under these names.
export {
  type ApiErrorFields as DmsApiErrorFields,
  BUSY_ERROR_CODE,
  DmsApiError,
  FailureKind as DmsFailureKind,
  isDmsApiError,
} from '../cloud/errors';

/**
 * ListInstances with an `offset` at or past the end of the filtered listing:
 * HTTP 400, "Offset parameter is invalid". Only a page after the first meets
 * it, when the fleet shrank since the first page told its size.
 */
export const OFFSET_PAST_END_CODE = 'DMS.40050010';
/**
 * DMS's own answer for an instance it does not know. Any other 404 (API
 * Gateway's `APIG.0101` for a wrong route, a proxy's page) proves nothing
 * about the instance. Source: https://support.huaweicloud.com/eu/api-kafka/ErrorCode.html
 */
export const INSTANCE_NOT_FOUND_CODE = 'DMS.00404022';

/** True only for DMS's own "this instance does not exist". */
export function isInstanceNotFound(e: unknown): boolean {
  return isDmsApiError(e) && e.httpStatus === 404 && e.errorCode === INSTANCE_NOT_FOUND_CODE;
}

/**
 * A write that failed like this was not carried out: throttled at the
 * gateway, or refused by DMS for an instance's state (`DMS.00400026`). DMS
 * refuses a restart batch whole for one such instance, and nothing in it is
 * done (see docs/fidelity.md); the engine splits it (act/refusal.ts). It is
 * safe to send again.
 * IAM's errors count too: a write whose keys could not be renewed fails
 * with the renewal's error, before it is sent.
 */
export function provesNotApplied(e: CloudApiError): boolean {
  return e.kind === FailureKind.Throttled || e.kind === FailureKind.Busy;
}

/** After a write failed like this, nobody knows whether DMS acted. */
export function leavesOutcomeUnknown(e: CloudApiError): boolean {
  return (
    e.kind === FailureKind.Server ||
    e.kind === FailureKind.Network ||
    e.kind === FailureKind.Timeout ||
    e.kind === FailureKind.Malformed
  );
}
