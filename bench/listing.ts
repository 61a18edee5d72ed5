/** Listing figures: 10,000 instances against a naive client, and under rate limits. */

import type { HcClient } from '../src/cloud/sdk';
import { createDmsClient, DEFAULT_MAX_CONCURRENCY, type DmsClient } from '../src/dms/client';
import { systemClock } from '../src/exec/clock';
import { DEFAULT_RETRY } from '../src/exec/retry';
import {
  type Endpoint,
  FLEET,
  LATENCY_MS,
  ms,
  NAIVE_PAGE,
  PAGE,
  row,
  type SimProcess,
  sec,
  silent,
  timed,
  x,
} from './kit';

export function projectClient(ep: Endpoint): DmsClient {
  return createDmsClient({
    credentials: { ak: ep.ak, sk: ep.sk },
    projectId: ep.projectId,
    endpoint: ep.endpoint,
    retry: { settings: DEFAULT_RETRY, clock: systemClock, log: silent },
  });
}

/** Sequential pages of the API's default 10, through the same SDK core. */
async function naiveList(ep: Endpoint): Promise<number> {
  const { BasicCredentials, ClientBuilder } = await import('../src/cloud/sdk.js');
  const hc = new ClientBuilder<HcClient>((c) => c)
    .withCredential(new BasicCredentials().withAk(ep.ak).withSk(ep.sk).withProjectId(ep.projectId))
    .withEndpoint(ep.endpoint)
    .withOptions({ customUserAgent: 'bench-naive' })
    .build();
  let listed = 0;
  for (let offset = 0; ; offset += NAIVE_PAGE) {
    const res = (await hc.sendRequest({
      method: 'GET',
      url: '/v2/{project_id}/instances',
      pathParams: { project_id: ep.projectId },
      queryParams: { engine: 'kafka', limit: NAIVE_PAGE, offset },
      headers: {},
      contentType: 'application/json',
    } as Parameters<typeof hc.sendRequest>[0])) as { instances: unknown[]; instance_num: number };
    listed += res.instances.length;
    if (res.instances.length < NAIVE_PAGE || listed >= res.instance_num) return listed;
  }
}

export async function listing(sim: SimProcess): Promise<void> {
  const ep = await sim.serve({ size: FLEET }, LATENCY_MS);
  // Warm the SDK core and the connection pool once; not measured.
  await projectClient(ep).showInstance('warm-up');

  await sim.clear();
  const naive = await timed(() => naiveList(ep));
  await sim.clear();
  const ours = await timed(() => projectClient(ep).listInstances());
  const oursStats = await sim.stats();
  const pages = Math.ceil(FLEET / PAGE);
  const rounds = 1 + Math.ceil((pages - 1) / DEFAULT_MAX_CONCURRENCY);
  const critical = rounds * LATENCY_MS;
  const speedup = naive.ms / ours.ms;
  row(
    `listing ${FLEET} at ${LATENCY_MS} ms, concurrency ${DEFAULT_MAX_CONCURRENCY} (${oursStats.byRoute.listInstances} pages of ${PAGE})`,
    sec(ours.ms),
    `naive, ${naive.value / NAIVE_PAGE} pages of ${NAIVE_PAGE} in turn: ${sec(naive.ms)}`,
  );
  row('  speed-up over naive', x(speedup), '', '>= 10x', speedup >= 10);
  row(
    '  time / critical path',
    x(ours.ms / critical),
    `${rounds} rounds x ${LATENCY_MS} ms = ${ms(critical)}`,
    '<= 2x',
    ours.ms / critical <= 2,
  );
  row(
    '  simulator busy during the listing',
    `${(oursStats.busy * 100).toFixed(0)} %`,
    `peak ${oursStats.peakInFlight} requests in flight`,
  );

  // The simulator's own overhead: the same listing with no latency at all.
  const ep0 = await sim.serve({ size: FLEET }, 0);
  await projectClient(ep0).showInstance('warm-up');
  await sim.clear();
  const zero = await timed(() => projectClient(ep0).listInstances());
  const zeroStats = await sim.stats();
  row(
    `listing ${FLEET} at 0 ms (simulator + client overhead)`,
    sec(zero.ms),
    `${(zero.ms / zeroStats.total).toFixed(1)} ms a page; simulator busy ${(zeroStats.busy * 100).toFixed(0)} %`,
  );
}

/**
 * The listing against API Gateway's limit, modelled as a token bucket of
 * `rate` a second holding `rate` (its burst), at two rates and two
 * latencies. The floor is what a client that knew the limit would take: the
 * burst at once, every other call at the rate, and one latency for the last.
 */
const THROTTLE_CASES = [
  { rate: 20, latencyMs: 20 },
  { rate: 20, latencyMs: 100 },
  { rate: 10, latencyMs: 20 },
  { rate: 10, latencyMs: 100 },
] as const;

export async function throttled(sim: SimProcess): Promise<void> {
  // The SDK core loads on a client's first call; the cold-start rows measure
  // that. Here it is loaded already, as after any other part of the bench.
  await import('../src/cloud/sdk.js');
  for (const { rate, latencyMs } of THROTTLE_CASES) {
    const ep = await sim.serve({ size: FLEET }, latencyMs, rate, rate);
    await sim.clear();
    const run = await timed(() => projectClient(ep).listInstances());
    const s = await sim.stats();
    const through = s.total - s.throttled;
    const floor = (Math.max(0, through - rate) / rate) * 1000 + latencyMs;
    const share = s.throttled / s.total;
    row(
      `listing ${FLEET} at ${latencyMs} ms, limit ${rate} requests/s (burst ${rate})`,
      sec(run.ms),
      `floor (${through} - ${rate}) calls / ${rate} per s + ${latencyMs} ms = ${sec(floor)}`,
    );
    row('  time / floor', x(run.ms / floor), '', '<= 1.15x', run.ms / floor <= 1.15);
    row(
      '  calls throttled (429 APIG.0308)',
      `${(share * 100).toFixed(1)} %`,
      `${s.throttled} of ${s.total} calls`,
      '<= 5 %',
      share <= 0.05,
    );
  }
}
