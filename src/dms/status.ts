/**
 * What DMS for Kafka says about instance status, in one place. Every status
 * the project reasons about is named here; code elsewhere uses these names,
 * never string literals. The sources, as tagged beside each status:
 * - [api] the API reference's status appendix as it stands:
 *   https://support.huaweicloud.com/intl/en-us/api-kafka/kafka-api-180514012.html
 *   (CREATING, RUNNING, ERROR, RESTARTING, STARTING, EXTENDING, EXTENDEDFAILED,
 *   FROZEN, FREEZING, UPGRADING, ROLLINGBACK, DELETING).
 * - [api-old] older versions of that appendix, and regions' copies of it:
 *   https://support.huaweicloud.com/en-us/api-kafka/kafka-api-180514012.html
 *   (adds CREATEFAILED and DELETED) and
 *   https://support.huaweicloud.com/intl/en-us/my-kualalumpur-1-api-kafka/kafka-api-180514012.html
 *   (CREATEFAILED).
 * - [sdk] Huawei's current SDKs, the ListInstances request's status enum: the
 *   Node SDK `@huaweicloud/huaweicloud-sdk-kafka` 3.1.215,
 *   `v2/model/ListInstancesRequest` `ListInstancesRequestStatusEnum` (CREATING,
 *   RUNNING, RESTARTING, DELETING, ERROR, CREATEFAILED, FREEZING, FROZEN,
 *   EXTENDING, SHRINKING, EXTENDEDFAILED, CONFIGURING, ROLLBACK, ROLLBACKFAILED,
 *   VOLUMETYPECHANGING), as in the Go SDK's `services/kafka/v2/model/model_list_instances_request.go`.
 * - [recycle] Huawei's Terraform provider waits for DELETED or RECYCLE after a
 *   delete (`resource_huaweicloud_dms_kafka_instance_batch_action.go`): an
 *   instance in the recycle bin after a delete that was not forced.
 * - **unconfirmed**: no current source lists it as a wire value. FAULTY,
 *   RESIZING and RESIZING FAILED (with a space) stood only in an early Go SDK
 *   release's enum (`model_list_instances_request.go` at commit
 *   0eb71622dc509f76fba8ecf2b434627c0478186f: `FAULTY`, `RESIZING`,
 *   `RESIZING_FAILED: "RESIZING FAILED"`), which later releases dropped, and
 *   as console words on one region's page
 *   (https://support.huaweicloud.com/intl/en-us/ae-ad-1-api-kafka/kafka-api-180514012.html:
 *   "Faulty", "Resizing", "Resizing failed"). The current appendix words the
 *   faulty state ERROR. What the function does with them, kept as it was
 *   since no source says otherwise: FAULTY is restarted only by a policy that
 *   names it in `select.status` (the restart guide allows a restart from
 *   Faulty); RESIZING and RESIZING FAILED are never acted on (no restart
 *   policy may name them, and a cleanup deletes only CREATEFAILED), and being
 *   known they do not rule out `all_failure`.
 * ROLLBACK is in the SDK only (the API says ROLLINGBACK); it is kept because
 * the SDK names it. The lists differ by region and version: a status in none
 * of them is carried as it is and never acted on ({@link isKnownStatus}).
 */
export const InstanceStatus = {
  Creating: 'CREATING', // [api] [sdk]
  Running: 'RUNNING', // [api] [sdk]
  Restarting: 'RESTARTING', // [api] [sdk]
  Deleting: 'DELETING', // [api] [sdk]
  Error: 'ERROR', // [api] [sdk]: the console's "Faulty"
  Faulty: 'FAULTY', // unconfirmed: early Go SDK enum, ae-ad-1 page ("Faulty")
  CreateFailed: 'CREATEFAILED', // [api-old] [sdk]
  Freezing: 'FREEZING', // [api] [sdk]
  Frozen: 'FROZEN', // [api] [sdk]
  Extending: 'EXTENDING', // [api] [sdk]
  Shrinking: 'SHRINKING', // [sdk]
  ExtendedFailed: 'EXTENDEDFAILED', // [api] [sdk]
  Resizing: 'RESIZING', // unconfirmed: early Go SDK enum, ae-ad-1 page ("Resizing")
  ResizingFailed: 'RESIZING FAILED', // unconfirmed: early Go SDK enum, ae-ad-1 page ("Resizing failed")
  Configuring: 'CONFIGURING', // [sdk]
  Rollback: 'ROLLBACK', // [sdk] only
  RollbackFailed: 'ROLLBACKFAILED', // [sdk]
  RollingBack: 'ROLLINGBACK', // [api]
  VolumeTypeChanging: 'VOLUMETYPECHANGING', // [sdk]
  Starting: 'STARTING', // [api]
  Upgrading: 'UPGRADING', // [api]
  Deleted: 'DELETED', // [api-old], [recycle]
  /** In the recycle bin after a delete that was not forced. */
  Recycle: 'RECYCLE', // [recycle]
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

/** The statuses no current source lists as a wire value; see the sources above. */
export const UNCONFIRMED_STATUSES: ReadonlySet<string> = new Set([
  InstanceStatus.Faulty,
  InstanceStatus.Resizing,
  InstanceStatus.ResizingFailed,
]);

const KNOWN: ReadonlySet<string> = new Set(Object.values(InstanceStatus));

/**
 * DMS adds statuses by region and version. A status outside the documented
 * ones is carried as it is and never acted on.
 */
export function isKnownStatus(status: string): status is InstanceStatus {
  return KNOWN.has(status);
}

/**
 * DMS restarts an instance only while it is Running or Faulty (the restart
 * guide, https://support.huaweicloud.com/eu/usermanual-kafka/kafka-ug-180604015.html);
 * the API words the faulty state ERROR, and FAULTY (unconfirmed, see above)
 * is kept for the regions that may still send it.
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
