/**
 * What DMS for Kafka says about instance status, in one place. Every status
 * the project reasons about is named here; code elsewhere uses these names,
 * never string literals. Where each comes from:
 * - [api] the API page's status table: CREATING, RUNNING, ERROR, RESTARTING,
 *   STARTING, EXTENDING, EXTENDEDFAILED, FROZEN, FREEZING, UPGRADING,
 *   ROLLINGBACK, DELETING; older versions of the page add CREATEFAILED and
 *   DELETED. https://support.huaweicloud.com/intl/en-us/api-kafka/kafka-api-180514012.html
 * - [sdk] the SDK's status enum, which adds SHRINKING, CONFIGURING,
 *   ROLLBACK, ROLLBACKFAILED and VOLUMETYPECHANGING. ROLLBACK is in no API
 *   page (the API says ROLLINGBACK); it is kept because the SDK names it.
 * - [console] names some regions return: FAULTY, RESIZING and RESIZING FAILED
 *   (with a space): the Go SDK's `services/kafka/v2/model/model_list_instances_request.go`
 *   (`RESIZING_FAILED: "RESIZING FAILED"`) and the ae-ad-1 status page.
 * - [recycle] RECYCLE: an instance in the recycle bin after a delete that was
 *   not forced; Huawei's Terraform provider waits for DELETED or RECYCLE after
 *   a delete.
 */
export const InstanceStatus = {
  Creating: 'CREATING', // [api]
  Running: 'RUNNING', // [api]
  Restarting: 'RESTARTING', // [api]
  Deleting: 'DELETING', // [api]
  Error: 'ERROR', // [api]
  Faulty: 'FAULTY', // [console]
  CreateFailed: 'CREATEFAILED', // [api], older pages
  Freezing: 'FREEZING', // [api]
  Frozen: 'FROZEN', // [api]
  Extending: 'EXTENDING', // [api]
  Shrinking: 'SHRINKING', // [sdk]
  ExtendedFailed: 'EXTENDEDFAILED', // [api]
  Resizing: 'RESIZING', // [console]
  ResizingFailed: 'RESIZING FAILED', // [console]
  Configuring: 'CONFIGURING', // [sdk]
  Rollback: 'ROLLBACK', // [sdk] only
  RollbackFailed: 'ROLLBACKFAILED', // [sdk]
  RollingBack: 'ROLLINGBACK', // [api]
  VolumeTypeChanging: 'VOLUMETYPECHANGING', // [sdk]
  Starting: 'STARTING', // [api]
  Upgrading: 'UPGRADING', // [api]
  Deleted: 'DELETED', // [api], older pages
  /** In the recycle bin after a delete that was not forced. */
  Recycle: 'RECYCLE', // [recycle]
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

const KNOWN: ReadonlySet<string> = new Set(Object.values(InstanceStatus));

/**
 * DMS adds statuses by region and version. A status outside the documented
 * ones is carried as it is and never acted on.
 */
export function isKnownStatus(status: string): status is InstanceStatus {
  return KNOWN.has(status);
}

/**
 * DMS restarts an instance only while it is Running or Faulty; regions word
 * the faulty state as ERROR or FAULTY.
 * Source: https://support.huaweicloud.com/eu/usermanual-kafka/kafka-ug-180604015.html
 */
export const RESTARTABLE_STATUSES = [
  InstanceStatus.Running,
  InstanceStatus.Error,
  InstanceStatus.Faulty,
] as const;
export type RestartableStatus = (typeof RESTARTABLE_STATUSES)[number];

/**
 * How long after DMS accepted a restart the instance may still show RUNNING.
 * DMS shows RESTARTING a few seconds after it takes a restart, and a restart
 * lasts 3 to 15 minutes (the restart guide, see {@link RESTARTABLE_STATUSES}),
 * so an instance still RUNNING two minutes after its restart was accepted
 * never began it: it cannot have gone and come back unseen between polls at
 * most 120 s apart (`pollSeconds` is at most 120).
 */
export const RESTART_ONSET_MS = 120_000;

/** Statuses on the way back from a restart. */
export const RESTART_IN_PROGRESS: ReadonlySet<string> = new Set([
  InstanceStatus.Restarting,
  InstanceStatus.Starting,
]);

/** Statuses that show a delete was taken: the recycle bin too. */
export const DELETE_IN_PROGRESS: ReadonlySet<string> = new Set([
  InstanceStatus.Deleting,
  InstanceStatus.Deleted,
  InstanceStatus.Recycle,
]);

/** Creation has not finished: `all_failure` could catch such an instance if it fails. */
export const STILL_CREATING = InstanceStatus.Creating;

/** The only status a cleanup ever deletes. */
export const FAILED_STATUS = InstanceStatus.CreateFailed;
