import { type DmsApiError, DmsFailureKind, isDmsApiError } from '../cloud/errors';

export {
  BUSY_ERROR_CODE,
  DmsApiError,
  type DmsApiErrorFields,
  DmsFailureKind,
  dmsFailure,
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
 * gateway, or refused by DMS as busy. It is safe to send again as it is.
 */
export function provesNotApplied(e: DmsApiError): boolean {
  return e.kind === DmsFailureKind.Throttled || e.kind === DmsFailureKind.Busy;
}

/** After a write failed like this, nobody knows whether DMS acted. */
export function leavesOutcomeUnknown(e: DmsApiError): boolean {
  return (
    e.kind === DmsFailureKind.Server ||
    e.kind === DmsFailureKind.Network ||
    e.kind === DmsFailureKind.Timeout ||
    e.kind === DmsFailureKind.Malformed
  );
}
