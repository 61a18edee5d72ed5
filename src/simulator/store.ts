/** The project's instances and their status transitions over time. */
import type { SimInstance, SimTag } from './types';

// DMS restarts from Running or Faulty; regions word the latter ERROR or FAULTY.
export const RESTARTABLE = new Set(['RUNNING', 'ERROR', 'FAULTY']);

export interface Delays {
  restartMs: number;
  deleteMs: number;
}

/** Newest first, then by id, so pages are stable. */
export function byCreatedDesc(a: SimInstance, b: SimInstance): number {
  const diff = Number(b.created_at) - Number(a.created_at);
  if (diff !== 0) return diff;
  return a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0;
}

export class Store {
  private readonly byId = new Map<string, SimInstance>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Every instance in listing order; rebuilt only after an add or a removal. */
  private sorted: SimInstance[] | undefined;
  /** Bumped on every change a listing can see: status, tags, membership. */
  private version = 0;
  private readonly listings = new Map<string, { version: number; items: SimInstance[] }>();

  constructor(
    fleet: SimInstance[],
    private readonly delays: Delays,
  ) {
    for (const instance of fleet) {
      if (this.byId.has(instance.instance_id)) {
        throw new Error(`duplicate instance id in fleet: ${instance.instance_id}`);
      }
      this.byId.set(instance.instance_id, structuredClone(instance));
    }
  }

  /** Live instances; callers must not keep or mutate them. */
  all(): SimInstance[] {
    return [...this.byId.values()];
  }

  /**
   * The instances that pass `keep`, newest first, for one listing query.
   * A fleet of 10,000 is sorted once, not once a page: the order is cached
   * until an instance comes or goes, and each query's result until anything
   * changes. `key` names the query; callers must not mutate the result.
   */
  listing(key: string, keep: (i: SimInstance) => boolean): readonly SimInstance[] {
    const hit = this.listings.get(key);
    if (hit && hit.version === this.version) return hit.items;
    this.sorted ??= this.all().sort(byCreatedDesc);
    const items = this.sorted.filter(keep);
    if (this.listings.size > 64) this.listings.clear();
    this.listings.set(key, { version: this.version, items });
    return items;
  }

  private changed(membership: boolean): void {
    this.version++;
    if (membership) this.sorted = undefined;
  }

  get(id: string): SimInstance | undefined {
    return this.byId.get(id);
  }

  snapshot(): SimInstance[] {
    return this.all().map((instance) => structuredClone(instance));
  }

  setStatus(id: string, status: string): void {
    const instance = this.byId.get(id);
    if (!instance) throw new Error(`no such instance: ${id}`);
    this.cancel(id);
    instance.status = status;
    this.changed(false);
  }

  canRestart(id: string): boolean {
    const status = this.byId.get(id)?.status;
    return status !== undefined && RESTARTABLE.has(status);
  }

  canDelete(id: string): boolean {
    const status = this.byId.get(id)?.status;
    return status !== undefined && status !== 'DELETING';
  }

  /** RESTARTING now, RUNNING after the restart delay. */
  restart(id: string): void {
    this.transition(id, 'RESTARTING', this.delays.restartMs, (instance) => {
      if (instance.status === 'RESTARTING') instance.status = 'RUNNING';
      this.changed(false);
    });
  }

  /** DELETING now, gone after the delete delay. */
  delete(id: string): void {
    this.transition(id, 'DELETING', this.delays.deleteMs, (instance) => {
      if (instance.status === 'DELETING') this.byId.delete(instance.instance_id);
      this.changed(true);
    });
  }

  add(instance: SimInstance): void {
    if (this.byId.has(instance.instance_id)) {
      throw new Error(`duplicate instance id: ${instance.instance_id}`);
    }
    this.byId.set(instance.instance_id, structuredClone(instance));
    this.changed(true);
  }

  remove(id: string): void {
    this.cancel(id);
    this.byId.delete(id);
    this.changed(true);
  }

  setTags(id: string, tags: SimTag[]): void {
    const instance = this.byId.get(id);
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
    const instance = this.byId.get(id);
    if (!instance) return;
    for (const tag of tags) {
      const existing = instance.tags.find((t) => t.key === tag.key);
      if (existing) existing.value = tag.value;
      else instance.tags.push({ key: tag.key, value: tag.value });
    }
    this.changed(false);
  }

  removeTags(id: string, keys: string[]): void {
    const instance = this.byId.get(id);
    if (!instance) return;
    instance.tags = instance.tags.filter((t) => !keys.includes(t.key));
    this.changed(false);
  }

  /** Cancels every pending transition. */
  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private transition(id: string, status: string, delayMs: number, done: (i: SimInstance) => void) {
    const instance = this.byId.get(id);
    if (!instance) return;
    this.cancel(id);
    instance.status = status;
    this.changed(false);
    const timer = setTimeout(() => {
      this.pending.delete(id);
      done(instance);
    }, delayMs);
    timer.unref();
    this.pending.set(id, timer);
  }

  private cancel(id: string): void {
    const timer = this.pending.get(id);
    if (timer) clearTimeout(timer);
    this.pending.delete(id);
  }
}
