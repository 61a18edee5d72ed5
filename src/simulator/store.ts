/** The project's instances and their status transitions over time. */
import type { SimInstance, SimTag } from './types';

// DMS restarts from Running or Faulty; regions word the latter ERROR or FAULTY.
export const RESTARTABLE = new Set(['RUNNING', 'ERROR', 'FAULTY']);

export interface Delays {
  restartMs: number;
  deleteMs: number;
}

export class Store {
  private readonly byId = new Map<string, SimInstance>();
  private readonly pending = new Map<string, NodeJS.Timeout>();

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
    this.byId.set(instance.instance_id, structuredClone(instance));
  }

  remove(id: string): void {
    this.cancel(id);
    this.byId.delete(id);
  }

  setTags(id: string, tags: SimTag[]): void {
    const instance = this.byId.get(id);
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
    const instance = this.byId.get(id);
    if (!instance) return;
    for (const tag of tags) {
      const existing = instance.tags.find((t) => t.key === tag.key);
      if (existing) existing.value = tag.value;
      else instance.tags.push({ key: tag.key, value: tag.value });
    }
  }

  removeTags(id: string, keys: string[]): void {
    const instance = this.byId.get(id);
    if (!instance) return;
    instance.tags = instance.tags.filter((t) => !keys.includes(t.key));
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
