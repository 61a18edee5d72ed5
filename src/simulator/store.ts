/** The project's instances and their status transitions over time. */
import type { SimInstance, SimTag } from './types';

export const RESTARTABLE = new Set(['RUNNING', 'ERROR']);

/** DMS's default maintenance window, as the instance fields carry it. */
export const DEFAULT_MAINTAIN_BEGIN = '02:00:00';
export const DEFAULT_MAINTAIN_END = '06:00:00';

export interface Delays {
  restartMs: number;
  deleteMs: number;
}

interface Pending {
  at: number;
  done: (instance: SimInstance) => void;
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

  constructor(
    fleet: SimInstance[],
    private readonly delays: Delays,
    private readonly now: () => number = Date.now,
  ) {
    for (const instance of fleet) {
      if (this.byId.has(instance.instance_id)) {
        throw new Error(`duplicate instance id in fleet: ${instance.instance_id}`);
      }
      this.byId.set(instance.instance_id, withDefaults(instance));
    }
  }

  /** Live instances; callers must not keep or mutate them. */
  all(): SimInstance[] {
    this.settle();
    return [...this.byId.values()];
  }

  get(id: string): SimInstance | undefined {
    this.settle();
    return this.byId.get(id);
  }

  snapshot(): SimInstance[] {
    return this.all().map((instance) => structuredClone(instance));
  }

  setStatus(id: string, status: string): void {
    const instance = this.get(id);
    if (!instance) throw new Error(`no such instance: ${id}`);
    this.pending.delete(id);
    instance.status = status;
  }

  canRestart(id: string): boolean {
    const status = this.get(id)?.status;
    return status !== undefined && RESTARTABLE.has(status);
  }

  canDelete(id: string): boolean {
    const status = this.get(id)?.status;
    return status !== undefined && status !== 'DELETING';
  }

  /** The next restart of this instance ends in `status` instead of RUNNING. */
  landNextRestartIn(id: string, status: string): void {
    this.landings.set(id, status);
  }

  /** RESTARTING now; RUNNING (or where it was told to land) after the restart delay. */
  restart(id: string): void {
    const landing = this.landings.get(id) ?? 'RUNNING';
    this.landings.delete(id);
    this.transition(id, 'RESTARTING', this.delays.restartMs, (instance) => {
      if (instance.status === 'RESTARTING') instance.status = landing;
    });
  }

  /** DELETING now, gone after the delete delay. */
  delete(id: string): void {
    this.transition(id, 'DELETING', this.delays.deleteMs, (instance) => {
      if (instance.status === 'DELETING') this.byId.delete(instance.instance_id);
    });
  }

  add(instance: SimInstance): void {
    if (this.byId.has(instance.instance_id)) {
      throw new Error(`duplicate instance id: ${instance.instance_id}`);
    }
    this.byId.set(instance.instance_id, withDefaults(instance));
  }

  remove(id: string): void {
    this.pending.delete(id);
    this.byId.delete(id);
  }

  setTags(id: string, tags: SimTag[]): void {
    const instance = this.get(id);
    if (!instance) throw new Error(`no such instance: ${id}`);
    instance.tags = tags.map((t) => ({ ...t }));
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
  }

  removeTags(id: string, keys: string[]): void {
    const instance = this.get(id);
    if (!instance) return;
    instance.tags = instance.tags.filter((t) => !keys.includes(t.key));
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
      if (instance) p.done(instance);
    }
  }

  private transition(id: string, status: string, delayMs: number, done: (i: SimInstance) => void) {
    const instance = this.get(id);
    if (!instance) return;
    instance.status = status;
    this.pending.set(id, { at: this.now() + delayMs, done });
  }
}

function withDefaults(instance: SimInstance): SimInstance {
  return {
    maintain_begin: DEFAULT_MAINTAIN_BEGIN,
    maintain_end: DEFAULT_MAINTAIN_END,
    ...structuredClone(instance),
  };
}
