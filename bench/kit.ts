/** What every part of `npm run bench` shares: the simulator process, the table, the units. */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createHandler } from '../handlers/index';
import { createLogger } from '../src/report/logger';
import type { Command, FleetSpec, SimStats } from './sim-child';

export const RUNS = Math.max(9, Number(process.env.BENCH_RUNS ?? 9));
export const FLEET = 10_000;
export const LATENCY_MS = 50;
export const PAGE = 50;
export const NAIVE_PAGE = 10;

export interface Endpoint {
  endpoint: string;
  ak: string;
  sk: string;
  projectId: string;
}

export type Row = [
  figure: string,
  value: string,
  baseline: string,
  target: string,
  verdict: string,
];
export const rows: Row[] = [];
export const verdicts: boolean[] = [];
export function row(
  figure: string,
  value: string,
  baseline: string,
  target = '',
  ok?: boolean,
): void {
  if (ok !== undefined) verdicts.push(ok);
  rows.push([figure, value, baseline, target, ok === undefined ? '' : ok ? 'met' : 'NOT met']);
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
export const ms = (n: number) => `${n.toFixed(0)} ms`;
export const sec = (n: number) => `${(n / 1000).toFixed(2)} s`;
export const x = (n: number) => `${n.toFixed(2)}x`;

/** The simulator process, one request at a time over IPC. */
export class SimProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<SimProcess> {
    const child = fork(join(__dirname, 'sim-child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const p = new SimProcess(child);
    await p.next();
    return p;
  }

  private next<T>(): Promise<T> {
    return new Promise((resolve) => this.child.once('message', (m) => resolve(m as T)));
  }

  async send<T>(cmd: Command): Promise<T> {
    const answer = this.next<T>();
    this.child.send(cmd);
    return answer;
  }

  serve(fleet: FleetSpec, latencyMs: number, ratePerSecond: number | null = null, burst?: number) {
    return this.send<Endpoint>({
      op: 'start',
      fleet,
      latencyMs,
      ratePerSecond,
      ...(burst === undefined ? {} : { burst }),
    });
  }
  clear() {
    return this.send<object>({ op: 'clear' });
  }
  stats() {
    return this.send<SimStats>({ op: 'stats' });
  }
  stop() {
    return this.send<object>({ op: 'stop' });
  }
}

export const silent = createLogger({ write: () => {} });

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** The handler, its records dropped, pointed at the simulator and a policy file. */
export function liveHandler(ep: Endpoint, policyFile: string) {
  return createHandler({
    destination: { write: () => {} },
    env: {
      DMS_ENDPOINT: ep.endpoint,
      HUAWEICLOUD_SDK_AK: ep.ak,
      HUAWEICLOUD_SDK_SK: ep.sk,
      HUAWEICLOUD_SDK_PROJECT_ID: ep.projectId,
      POLICY_FILE: policyFile,
      DEADLINE_MARGIN_MS: '0',
    },
  });
}

export function print(): void {
  const head: Row = ['figure', 'value', 'baseline (same run)', 'target', ''];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: Row) =>
    `| ${r.map((c, i) => (i === 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
