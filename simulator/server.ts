/** startSimulator: a DMS for Kafka look-alike on a loopback HTTP server. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { demoFleet, demoKafka } from './demo';
import { Faults } from './faults';
import { type PipelineState, runPipeline } from './pipeline';
import { RateLimit } from './ratelimit';
import { Store } from './store';
import type { PublishedMessage, RecordedRequest, Simulator, SimulatorOptions } from './types';

export const DEMO_PROJECT_ID = '0b5e7d3a9c8f4e21a6d2c4b8f1e3a5c7';
export const DEMO_AK = 'SIMULATORAK0000000001';
export const DEMO_SK = 'simulatorSecretKey000000000000000000000001';
const MAX_BODY = 1024 * 1024;
/** How long an accepted restart still shows RUNNING, unless a test says otherwise. */
export const DEFAULT_RESTART_ONSET_MS = 300;

function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: size > MAX_BODY }));
    req.on('error', reject);
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const credentials = {
    ak: opts.ak ?? DEMO_AK,
    sk: opts.sk ?? DEMO_SK,
    projectId: opts.projectId ?? DEMO_PROJECT_ID,
    ...(opts.securityToken === undefined ? {} : { securityToken: opts.securityToken }),
  };
  const store = new Store(
    opts.fleet ?? demoFleet(),
    {
      restartMs: opts.restartDelayMs ?? 2000,
      deleteMs: opts.deleteDelayMs ?? 1000,
      onsetMs: opts.restartOnsetMs ?? DEFAULT_RESTART_ONSET_MS,
      recycleBin: opts.recycleBin ?? false,
      isrRecoveryMs: opts.isrRecoveryMs ?? 0,
    },
    opts.fleetClock,
    opts.kafka ?? (opts.fleet ? {} : demoKafka()),
  );
  const requests: RecordedRequest[] = [];
  const published: PublishedMessage[] = [];
  const sockets = new Set<Socket>();
  const sleeps = new Map<NodeJS.Timeout, (done: boolean) => void>();
  let seq = 0;
  let stopped = false;
  const load = { inFlight: 0, peakInFlight: 0 };
  const latency = (ms: number) => {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be 0 or more ms, got ${ms}`);
    return ms;
  };

  const state: PipelineState = {
    store,
    faults: new Faults(),
    rateLimit: new RateLimit(),
    requests,
    published,
    nextSeq: () => ++seq,
    now: opts.now ?? Date.now,
    credentials,
    allFailureResponse: opts.allFailureResponse ?? 204,
    latencyMs: latency(opts.latencyMs ?? 0),
    tagRules: opts.tagRules ?? 'newer',
    // Resolves true after ms, or false if the simulator stops first.
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          sleeps.delete(timer);
          resolve(!stopped);
        }, ms);
        sleeps.set(timer, resolve);
      }),
  };

  const server = createServer((req, res) => {
    load.inFlight++;
    load.peakInFlight = Math.max(load.peakInFlight, load.inFlight);
    res.once('close', () => {
      load.inFlight--;
    });
    readBody(req)
      .then(({ body, tooLarge }) => runPipeline(state, req, res, body, tooLarge))
      .catch(() => res.socket?.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    endpoint: `http://${host}:${address.port}`,
    ...credentials,
    requests,
    published,
    clearRequests: () => {
      requests.length = 0;
      load.peakInFlight = load.inFlight;
    },
    inject: (fault) => state.faults.inject(fault),
    setRateLimit: (perSecond, shape) => state.rateLimit.set(perSecond, shape),
    setLatency: (ms) => {
      state.latencyMs = latency(ms);
    },
    load: () => ({ ...load }),
    instances: () => store.snapshot(),
    instance: (id) => {
      const found = store.get(id);
      return found ? structuredClone(found) : undefined;
    },
    setStatus: (id, status) => store.setStatus(id, status),
    setTags: (id, tags) =>
      store.setTags(
        id,
        Array.isArray(tags) ? tags : Object.entries(tags).map(([key, value]) => ({ key, value })),
      ),
    addInstance: (instance) => store.add(instance),
    landNextRestartIn: (id, status) => store.landNextRestartIn(id, status),
    removeInstance: (id) => store.remove(id),
    setKafka: (id, kafka) => store.kafka.set(id, kafka),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      store.close();
      for (const [timer, resolve] of sleeps) {
        clearTimeout(timer);
        resolve(false);
      }
      sleeps.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
