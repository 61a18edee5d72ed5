/**
 * What DMS for Kafka says about instance status, in one place. Every status
 * the project reasons about is named here; code elsewhere uses these names,
 * never string literals.
 *
 * Sources: the SDK's status enum; the status table at
 * https://support.huaweicloud.com/intl/en-us/api-kafka/kafka-api-180514012.html;
 * the Go SDK's `services/kafka/v2/model/model_list_instances_request.go`
 * (`RESIZING_FAILED: "RESIZING FAILED"`, with a space); and the ae-ad-1
 * status page ("Faulty ... Resizing ... Resizing failed").
 */
export const InstanceStatus = {
  Creating: 'CREATING',
  Running: 'RUNNING',
  Restarting: 'RESTARTING',
  Deleting: 'DELETING',
  Error: 'ERROR',
  Faulty: 'FAULTY',
  CreateFailed: 'CREATEFAILED',
  Freezing: 'FREEZING',
  Frozen: 'FROZEN',
  Extending: 'EXTENDING',
  Shrinking: 'SHRINKING',
  ExtendedFailed: 'EXTENDEDFAILED',
  Resizing: 'RESIZING',
  ResizingFailed: 'RESIZING FAILED',
  Configuring: 'CONFIGURING',
  Rollback: 'ROLLBACK',
  RollbackFailed: 'ROLLBACKFAILED',
  RollingBack: 'ROLLINGBACK',
  VolumeTypeChanging: 'VOLUMETYPECHANGING',
  Starting: 'STARTING',
  Upgrading: 'UPGRADING',
  Deleted: 'DELETED',
  /** In the recycle bin after a delete that was not forced. */
  Recycle: 'RECYCLE',
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
