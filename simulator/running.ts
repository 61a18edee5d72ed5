/** What `startSimulator` hands back: a simulator running on loopback, and how to drive it. */
import type { IssuedKey } from './iam';
import type { SimObserver } from './observe';
import type { RateLimitShape } from './ratelimit';
import type {
  FaultSpec,
  PublishedMessage,
  RecordedRequest,
  SimInstance,
  SimKafka,
  SimTag,
} from './types';

/** How busy the simulator has been since it started or since `clearRequests`. */
export interface SimulatorLoad {
  /** Requests received and not yet answered. */
  inFlight: number;
  /** The most requests in flight at once. */
  peakInFlight: number;
}

export interface Simulator {
  endpoint: string;
  projectId: string;
  ak: string;
  sk: string;
  securityToken?: string;
  /** Every request in arrival order; a live array. */
  requests: RecordedRequest[];
  /** Every message published to an SMN topic, in arrival order; a live array. */
  published: PublishedMessage[];
  /** The account the simulator's own keys belong to. */
  domainId: string;
  /** Every key IAM issued for an agency, in order. */
  issued: readonly IssuedKey[];
  /** A project's fleet now, in any account; empty for a project the simulator does not hold. */
  fleetOf(projectId: string): SimInstance[];
  /** Forgets the recorded requests and the peak load. */
  clearRequests(): void;
  inject(fault: FaultSpec): void;
  /**
   * At most this many requests are admitted in any one-second window, or, with
   * a `burst`, a token bucket refilled at this rate; null lifts the limit.
   */
  setRateLimit(perSecond: number | null, shape?: RateLimitShape): void;
  /** Every request from now on waits `ms` before it is handled. */
  setLatency(ms: number): void;
  load(): SimulatorLoad;
  instances(): SimInstance[];
  instance(id: string): SimInstance | undefined;
  setStatus(id: string, status: string): void;
  /** Replaces the instance's tags; a list may hold a key twice, as a bad answer would. */
  setTags(id: string, tags: Record<string, string> | SimTag[]): void;
  addInstance(instance: SimInstance): void;
  /** The next restart of this instance lands in `status` (e.g. `ERROR`) instead of RUNNING. */
  landNextRestartIn(id: string, status: string): void;
  removeInstance(id: string): void;
  /** Changes what is given of the instance's Kafka (a broken broker, replicas out of sync). */
  setKafka(id: string, kafka: Partial<SimKafka>): void;
  /** The own fleet's restarts and clusters as they truly are, and the faults' reset: for tests. */
  observe: SimObserver;
  stop(): Promise<void>;
}
