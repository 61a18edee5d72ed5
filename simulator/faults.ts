/**
 * Injected faults, matched in injection order. A fault lets its first `after`
 * matching calls through, fires on the next `times`, and is then gone. A call
 * that a fault fires on is not seen by the faults after it.
 */
import type { FaultSpec, RouteName } from './types';

interface Armed {
  spec: FaultSpec;
  skipped: number;
  used: number;
}

function matches(spec: FaultSpec, route: RouteName): boolean {
  if (spec.kind === 'results' && route !== 'instanceAction') return false;
  return spec.route === '*' || spec.route === route;
}

export class Faults {
  private armed: Armed[] = [];

  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    const after = spec.after ?? 0;
    if (!(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
      throw new Error(
        `fault times must be a positive integer or Infinity, got ${String(spec.times)}`,
      );
    }
    if (!Number.isInteger(after) || after < 0) {
      throw new Error(`fault after must be a non-negative integer, got ${String(spec.after)}`);
    }
    this.armed.push({ spec: { ...spec }, skipped: 0, used: 0 });
  }

  /** The fault to apply to this call, if any, counting the call against it. */
  take(route: RouteName): FaultSpec | undefined {
    for (const armed of this.armed) {
      if (!matches(armed.spec, route)) continue;
      if (armed.skipped < (armed.spec.after ?? 0)) {
        armed.skipped += 1;
        continue;
      }
      armed.used += 1;
      if (armed.used >= (armed.spec.times ?? 1)) {
        this.armed = this.armed.filter((a) => a !== armed);
      }
      return armed.spec;
    }
    return undefined;
  }

  clear(): void {
    this.armed = [];
  }
}

/** Short label recorded with a faulted request, e.g. `status:503`. */
export function faultLabel(spec: FaultSpec): string {
  return 'status' in spec ? `${spec.kind}:${spec.status}` : spec.kind;
}
