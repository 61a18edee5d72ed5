/**
 * What a test may watch of the fleet, read-only: each restart as DMS takes
 * it, begins and ends it (on the fleet's clock), and each cluster's truth
 * without any injected fault. A model test checks its promises against this,
 * not against what the function says it did.
 */
/** What the observer needs of the faults: their reset. */
interface Faults {
  clear(): void;
}

import type { ClusterView } from './kafka';

export interface RestartEvent {
  id: string;
  /** `accepted`: DMS took the call; `began`: RESTARTING; `ended`: the restart is over. */
  kind: 'accepted' | 'began' | 'ended';
  /** When, on the fleet's clock. */
  at: number;
  /** With `ended`: the status it landed in. */
  status?: string;
}

export type RestartListener = (event: RestartEvent) => void;

/** The log of restarts a store keeps, with listeners told inside the call that caused each. */
export class RestartLog {
  readonly events: RestartEvent[] = [];
  private readonly listeners = new Set<RestartListener>();

  push(event: RestartEvent): void {
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  on(listener: RestartListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface SimObserver {
  /** Every restart's acceptance, beginning and end, in the order the fleet saw them; a live array. */
  readonly restarts: readonly RestartEvent[];
  /** Told of each restart event as it happens, inside the call; returns a function that stops it. */
  onRestart(listener: RestartListener): () => void;
  /** What ShowCluster shows now, without faults; undefined for an instance not there. */
  cluster(id: string): ClusterView | undefined;
  /** Forgets every injected fault that has not fired yet. */
  clearFaults(): void;
}

/** The observer of the simulator's own fleet. */
export function observer(
  store: {
    restarts: RestartLog;
    get(id: string): { broker_num?: number } | undefined;
    clockNow(): number;
    kafka: { cluster(id: string, now: number, brokers?: number): ClusterView };
  },
  faults: Faults,
): SimObserver {
  return {
    restarts: store.restarts.events,
    onRestart: (listener) => store.restarts.on(listener),
    cluster: (id) => {
      const instance = store.get(id);
      if (!instance) return undefined;
      return store.kafka.cluster(id, store.clockNow(), instance.broker_num);
    },
    clearFaults: () => faults.clear(),
  };
}
