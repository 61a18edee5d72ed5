import type { DmsClient } from './client';

/** Thrown by a read-only client's writes: a plan never changes anything. */
export class WriteRefusedError extends Error {
  override name = 'WriteRefusedError';
}

/**
 * The same client with every write refused before it is sent. `plan` runs
 * on it, so no policy, event or environment setting can make a plan write.
 */
export function readOnly(dms: DmsClient): DmsClient {
  const refuse = (operation: string) => () =>
    Promise.reject(new WriteRefusedError(`${operation} refused: this client only reads`));
  return {
    listInstances: (o) => dms.listInstances(o),
    showInstance: (id) => dms.showInstance(id),
    showCluster: (id) => dms.showCluster(id),
    listTopics: (id) => dms.listTopics(id),
    restartInstances: refuse('RestartInstances'),
    deleteInstances: refuse('DeleteInstances'),
    deleteAllFailed: refuse('DeleteAllFailedInstances'),
    tagInstance: refuse('BatchCreateOrDeleteKafkaTag'),
  };
}
