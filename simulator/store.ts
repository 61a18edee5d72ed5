/** The project's instances and their status transitions over time. */
import { KafkaModel } from './kafka';
import { RestartLog } from './observe';
import type { SimInstance, SimKafka, SimTag } from './types';

// DMS restarts from Running or Faulty: ERROR in the API, FAULTY unconfirmed (src/dms/status.ts).
export const RESTARTABLE = new Set(['RUNNING', 'ERROR', 'FAULTY']);

/** DMS's default maintenance window, as the instance fields carry it. */
export const DEFAULT_MAINTAIN_BEGIN = '02:00:00';
export const DEFAULT_MAINTAIN_END = '06:00:00';

export interface Delays {
  restartMs: number;
  deleteMs: number;
  /** How long an accepted restart still shows the status it had before RESTARTING. */
  onsetMs: number;
  /** A delete that is not forced leaves the instance in the recycle bin. */
  recycleBin?: boolean;
  /** After a restart, the last broker's replicas catch up for this long. */
  isrRecoveryMs?: number;
}

/** Newest first, then by id, so pages are stable. */
export function byCreatedDesc(a: SimInstance, b: SimInstance): number {
  const diff = Number(b.created_at) - Number(a.created_at);
  if (diff !== 0) return diff;
  return a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0;
}

interface Pending {
  at: number;
  /** Applied at `at`; handed `at`, so a next stage is timed from it, not from the look. */
  done: (instance: SimInstance, at: number) => void;
  /** A restart DMS accepted that has not shown RESTARTING yet. */
  onset?: boolean;
}

/**
 * Transitions are due at a time on the fleet's clock and are applied when
 * the fleet is next looked at, so a test that moves the clock sees restarts
 * finish at once, and one on real time sees them finish as before.
 */
export class Store {
  private readonly byId = new Map<string, SimInstance>();
  private readonly pending = new Map<string, Pending>();
  private readonly landings = new Map<string, string>();
  /** When each instance in the recycle bin went there. */
  private readonly binnedAt = new Map<string, number>();
  /** Every instance in listing order; rebuilt only after an add or a removal. */
  private sorted: SimInstance[] | undefined;
  /** Bumped on every change a listing can see: status, tags, membership. */
  private version = 0;
  private readonly listings = new Map<string, { version: number; items: SimInstance[] }>();

  /** Kafka inside each instance: brokers, topics, what a restart does to them. */
  readonly kafka: KafkaModel;
  /** Each restart as it is taken, begins and ends: for tests to watch, read-only. */
  readonly restarts = new RestartLog();

  constructor(
    fleet: SimInstance[],
    private readonly delays: Delays,
    private readonly now: () => number = Date.now,
    kafka: Record<string, Partial<SimKafka>> = {},
  ) {
    this.kafka = new KafkaModel(kafka, delays.isrRecoveryMs ?? 0);
    for (const instance of fleet) {
      if (this.byId.has(instance.instance_id)) {
        throw new Error(`duplicate instance id in fleet: ${instance.instance_id}`);
      }
      this.byId.set(instance.instance_id, withDefaults(instance, this.kafka));
    }
  }

  /** Live instances; callers must not keep or mutate them. */
  all(): SimInstance[] {
    this.settle();
    return [...this.byId.values()];
  }

  /** The fleet's clock, with every transition due by now applied. */
  clockNow(): number {
    this.settle();
    return this.now();
  }

  get(id: string): SimInstance | undefined {
    this.settle();
    return this.byId.get(id);
  }

  /**
   * The instances that pass `keep`, newest first, for one listing query.
   * A fleet of 10,000 is sorted once, not once a page: the order is cached
   * until an instance comes or goes, and each query's result until anything
   * changes. `key` names the query; callers must not mutate the result.
   */
  listing(key: string, keep: (i: SimInstance) => boolean): readonly SimInstance[] {
    this.settle();
    const hit = this.listings.get(key);
    if (hit && hit.version === this.version) return hit.items;
    this.sorted ??= [...this.byId.values()].sort(byCreatedDesc);
    const items = this.sorted.filter(keep);
    if (this.listings.size > 64) this.listings.clear();
    this.listings.set(key, { version: this.version, items });
    return items;
  }

  private changed(membership: boolean): void {
    this.version++;
    if (membership) this.sorted = undefined;
  }

  snapshot(): SimInstance[] {
    return this.all().map((instance) => structuredClone(instance));
  }

  setStatus(id: string, status: string): void {
    const instance = this.get(id);
    if (!instance) throw new Error(`no such instance: ${id}`);
    this.pending.delete(id);
    instance.status = status;
    this.changed(false);
  }

  /**
   * A restart is taken from Running or Faulty, and not while one is already
   * accepted and about to begin (action.ts refuses the call, see there).
   */
  canRestart(id: string): boolean {
    const status = this.get(id)?.status;
    if (this.pending.get(id)?.onset) return false;
    return status !== undefined && RESTARTABLE.has(status);
  }

  canDelete(id: string): boolean {
    const status = this.get(id)?.status;
    return status !== undefined && status !== 'DELETING' && status !== 'RECYCLE';
  }

  /** The next restart of this instance ends in `status` instead of RUNNING. */
  landNextRestartIn(id: string, status: string): void {
    this.landings.set(id, status);
  }

  /**
   * As DMS does: the instance keeps its status for the onset delay, then is
   * RESTARTING, and RUNNING (or where it was told to land) after the restart
   * delay.
   */
  restart(id: string): void {
    const landing = this.landings.get(id) ?? 'RUNNING';
    this.landings.delete(id);
    const instance = this.get(id);
    if (!instance) return;
    const before = instance.status;
    this.restarts.push({ id, kind: 'accepted', at: this.now() });
    const restarting = (i: SimInstance, at: number) => {
      // Anything that changed the instance meanwhile (a delete, a test) wins.
      if (i.status !== before) return;
      i.status = 'RESTARTING';
      this.restarts.push({ id, kind: 'began', at });
      this.kafka.restartBegan(id, at, at + this.delays.restartMs);
      this.pending.set(id, {
        at: at + this.delays.restartMs,
        done: (j, end) => {
          this.kafka.restartEnded(id);
          if (j.status === 'RESTARTING') j.status = landing;
          this.restarts.push({ id, kind: 'ended', at: end, status: j.status });
        },
      });
    };
    if (this.delays.onsetMs <= 0) {
      restarting(instance, this.now());
      this.changed(false);
      return;
    }
    this.pending.set(id, { at: this.now() + this.delays.onsetMs, done: restarting, onset: true });
  }

  /**
   * DELETING now; after the delete delay, gone, or in the recycle bin
   * (status RECYCLE) when the project keeps one and the delete was not
   * forced. ListInstances leaves both out (see list.ts).
   */
  delete(id: string, force = false): void {
    const bin = this.delays.recycleBin && !force;
    this.transition(id, 'DELETING', this.delays.deleteMs, (instance) => {
      if (instance.status !== 'DELETING') return;
      if (bin) {
        instance.status = 'RECYCLE';
        this.binnedAt.set(instance.instance_id, this.now());
      } else this.byId.delete(instance.instance_id);
    });
  }

  /** Whether a delete that is not forced goes to the recycle bin. */
  get keepsRecycleBin(): boolean {
    return this.delays.recycleBin === true;
  }

  /** The instances in the recycle bin, with when each went there. */
  recycled(): { instance: SimInstance; at: number }[] {
    const out: { instance: SimInstance; at: number }[] = [];
    for (const [id, at] of this.binnedAt) {
      const instance = this.byId.get(id);
      if (instance?.status === 'RECYCLE') out.push({ instance, at });
    }
    return out;
  }

  add(instance: SimInstance): void {
    if (this.byId.has(instance.instance_id)) {
      throw new Error(`duplicate instance id: ${instance.instance_id}`);
    }
    this.byId.set(instance.instance_id, withDefaults(instance, this.kafka));
    this.changed(true);
  }

  remove(id: string): void {
    this.pending.delete(id);
    this.byId.delete(id);
    this.changed(true);
  }

  /** Replaces the instance's tags, as given: a key may appear twice. */
  setTags(id: string, tags: SimTag[]): void {
    const instance = this.get(id);
    if (!instance) throw new Error(`no such instance: ${id}`);
    instance.tags = tags.map((t) => ({ ...t }));
    this.changed(false);
  }

  failedIds(): string[] {
    return this.all()
      .filter((i) => i.engine === 'kafka' && i.status === 'CREATEFAILED')
      .map((i) => i.instance_id);
  }

  /** Adds tags; a key already present takes the new value. */
  addTags(id: string, tags: SimTag[]): void {
    const instance = this.get(id);
    if (!instance) return;
    for (const tag of tags) {
      const existing = instance.tags.find((t) => t.key === tag.key);
      if (existing) existing.value = tag.value;
      else instance.tags.push({ key: tag.key, value: tag.value });
    }
    this.changed(false);
  }

  removeTags(id: string, drop: (tag: SimTag) => boolean): void {
    const instance = this.get(id);
    if (!instance) return;
    instance.tags = instance.tags.filter((t) => !drop(t));
    this.changed(false);
  }

  /** Forgets every pending transition. */
  close(): void {
    this.pending.clear();
  }

  private settle(): void {
    if (this.pending.size === 0) return;
    const now = this.now();
    for (const [id, p] of this.pending) {
      if (p.at > now) continue;
      this.pending.delete(id);
      const instance = this.byId.get(id);
      if (instance) p.done(instance, p.at);
      // A finished delete removes the instance: the listing order is rebuilt.
      this.changed(true);
    }
  }

  private transition(
    id: string,
    status: string,
    delayMs: number,
    done: (i: SimInstance, at: number) => void,
  ) {
    const instance = this.get(id);
    if (!instance) return;
    instance.status = status;
    this.changed(false);
    this.pending.set(id, { at: this.now() + delayMs, done });
  }
}

/** As DMS lists every instance: its maintenance window, and `broker_num` as its Kafka has them. */
function withDefaults(instance: SimInstance, kafka: KafkaModel): SimInstance {
  return {
    maintain_begin: DEFAULT_MAINTAIN_BEGIN,
    maintain_end: DEFAULT_MAINTAIN_END,
    broker_num: kafka.of(instance.instance_id, instance.broker_num).brokers,
    ...structuredClone(instance),
  };
}
