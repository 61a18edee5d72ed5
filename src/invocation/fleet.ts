import { type AnswerListener, createDmsClient, type DmsClient } from '../dms/client';
import { readOnly } from '../dms/read-only';
import type { KafkaInstance } from '../dms/wire';
import { ConfigError } from '../errors';
import type { Clock } from '../exec/clock';
import { deadlineFrom } from '../exec/deadline';
import type { Logger } from '../report/logger';
import type { Env } from './env';

/**
 * The project's whole listing as the function sees it, failed instances
 * included, through a client that can only read. For `fleet`.
 */
export async function listFleet(
  env: Env,
  deps: { log: Logger; clock: Clock },
): Promise<KafkaInstance[]> {
  return await fleetClient(env, deps).listInstances({ includeFailure: true });
}

/**
 * The environment's project, through a client that can only read: its writes
 * are refused before anything is sent. With `onAnswer`, every answer DMS gives
 * is handed over as it came (for `fleet --record`).
 */
export function fleetClient(
  env: Env,
  deps: { log: Logger; clock: Clock; onAnswer?: AnswerListener },
): DmsClient {
  if (!env.credentials) {
    throw ConfigError.at(
      'credentials',
      'none found: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK',
    );
  }
  if (!env.projectId) {
    throw ConfigError.at('env.HUAWEICLOUD_SDK_PROJECT_ID', 'set it, or RUNTIME_PROJECT_ID');
  }
  const client = createDmsClient({
    credentials: env.credentials,
    projectId: env.projectId,
    region: env.region,
    endpoint: env.endpoint,
    timeoutMs: env.requestTimeoutMs,
    maxConcurrency: env.maxConcurrency,
    retry: { settings: env.retry, clock: deps.clock, log: deps.log },
    deadline: deadlineFrom(() => undefined, {
      marginMs: env.deadlineMarginMs,
      fallbackMs: env.localTimeoutMs,
      clock: deps.clock,
      onBadRemaining: () => {},
    }),
    onAnswer: deps.onAnswer,
  });
  return readOnly(client);
}
