/** startSimulator: a DMS for Kafka look-alike on a loopback HTTP server. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { demoFleet, demoKafka } from './demo';
import { Faults } from './faults';
import { Iam, type SimDomain } from './iam';
import { observer } from './observe';
import { type PipelineState, runPipeline } from './pipeline';
import { RateLimit } from './ratelimit';
import type { Simulator } from './running';
import { Store } from './store';
import type {
  PublishedMessage,
  RecordedRequest,
  SimInstance,
  SimKafka,
  SimulatorOptions,
} from './types';

export const DEMO_PROJECT_ID = '0b5e7d3a9c8f4e21a6d2c4b8f1e3a5c7';
/** The account the simulator's own keys belong to, unless `organization.domainId` says otherwise. */
export const DEMO_DOMAIN_ID = 'd0000000000000000000000000000001';
/** The region of the simulator's own project, as IAM's project look-up names it. */
export const DEMO_REGION = 'cn-north-4';
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

/**
 * IAM's view of the simulator: its own account with its project and keys,
 * and the organization's further accounts, each project with its own fleet.
 */
function organization(
  opts: SimulatorOptions,
  own: { ak: string; sk: string; projectId: string; securityToken?: string },
  store: Store,
  newStore: (fleet: SimInstance[], kafka: Record<string, Partial<SimKafka>>) => Store,
): { iam: Iam; stores: Map<string, Store> } {
  const iam = new Iam();
  const org = opts.organization;
  const home = org?.domainId ?? DEMO_DOMAIN_ID;
  iam.maxKeyLifeMs = org?.maxKeyLifeMs;
  iam.keys.set(own.ak, {
    sk: own.sk,
    securityToken: own.securityToken,
    domainId: home,
    policies: org?.callerPolicies,
  });
  const stores = new Map<string, Store>([[own.projectId, store]]);
  const homeDomain: SimDomain = {
    domainId: home,
    domainName: home,
    projects: new Map([[DEMO_REGION, own.projectId]]),
    agencies: [],
  };
  iam.addDomain(homeDomain);
  for (const a of org?.accounts ?? []) {
    const domain: SimDomain =
      a.domainId === home
        ? homeDomain
        : {
            domainId: a.domainId,
            domainName: a.domainName ?? a.domainId,
            projects: new Map(),
            agencies: [],
          };
    domain.agencies.push(...(a.agencies ?? []));
    for (const p of a.projects) {
      if (stores.has(p.projectId)) throw new Error(`project ${p.projectId} is in two accounts`);
      domain.projects.set(p.region, p.projectId);
      stores.set(p.projectId, newStore(p.fleet ?? [], p.kafka ?? {}));
    }
    iam.addDomain(domain);
  }
  return { iam, stores };
}

/** The simulator's own project and, with an organization, every other project's fleet. */
function fleets(
  opts: SimulatorOptions,
  own: { ak: string; sk: string; projectId: string; securityToken?: string },
): { store: Store; iam: Iam; stores: Map<string, Store> } {
  const delays = {
    restartMs: opts.restartDelayMs ?? 2000,
    deleteMs: opts.deleteDelayMs ?? 1000,
    onsetMs: opts.restartOnsetMs ?? DEFAULT_RESTART_ONSET_MS,
    recycleBin: opts.recycleBin ?? false,
    isrRecoveryMs: opts.isrRecoveryMs ?? 0,
  };
  const store = new Store(
    opts.fleet ?? demoFleet(),
    delays,
    opts.fleetClock,
    opts.kafka ?? (opts.fleet ? {} : demoKafka()),
  );
  const { iam, stores } = organization(
    opts,
    own,
    store,
    (fleet, kafka) => new Store(fleet, delays, opts.fleetClock, kafka),
  );
  return { store, iam, stores };
}

/** What a test does to the simulator's own fleet, and what it may watch of it. */
function storeFace(
  store: Store,
  faults: Faults,
): Pick<
  Simulator,
  | 'instances'
  | 'instance'
  | 'setStatus'
  | 'setTags'
  | 'addInstance'
  | 'landNextRestartIn'
  | 'removeInstance'
  | 'setKafka'
  | 'observe'
> {
  return {
    observe: observer(store, faults),
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
  };
}

/** Listens on the port and host asked for (any free port on loopback); the endpoint. */
async function listen(server: Server, opts: SimulatorOptions): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const credentials = {
    ak: opts.ak ?? DEMO_AK,
    sk: opts.sk ?? DEMO_SK,
    projectId: opts.projectId ?? DEMO_PROJECT_ID,
    ...(opts.securityToken === undefined ? {} : { securityToken: opts.securityToken }),
  };
  const { store, iam, stores } = fleets(opts, credentials);
  const requests: RecordedRequest[] = [];
  const published: PublishedMessage[] = [];
  const sockets = new Set<Socket>();
  const sleeper = sleeps();
  let seq = 0;
  const load = { inFlight: 0, peakInFlight: 0 };
  const state: PipelineState = {
    store,
    faults: new Faults(),
    rateLimit: new RateLimit(),
    requests,
    published,
    nextSeq: () => ++seq,
    now: opts.now ?? Date.now,
    iam,
    stores,
    ...answering(opts),
    latencyMs: latency(opts.latencyMs ?? 0),
    sleep: sleeper.sleep,
  };

  const server = serve(state, load, sockets);
  return {
    endpoint: await listen(server, opts),
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
    ...storeFace(store, state.faults),
    domainId: opts.organization?.domainId ?? DEMO_DOMAIN_ID,
    issued: iam.issued,
    fleetOf: (projectId) => stores.get(projectId)?.snapshot() ?? [],
    stop: async () => {
      if (sleeper.stopped()) return;
      sleeper.stop();
      for (const s of stores.values()) s.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** The HTTP server: every request through the pipeline, its load and sockets counted. */
function serve(
  state: PipelineState,
  load: { inFlight: number; peakInFlight: number },
  sockets: Set<Socket>,
): Server {
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
  return server;
}

/** How the simulator answers where DMS's answer was learnt later, or differs by region. */
function answering(
  opts: SimulatorOptions,
): Pick<
  PipelineState,
  'allFailureResponse' | 'deletingListed' | 'restartRefusedPerInstance' | 'tagRules'
> {
  return {
    allFailureResponse: opts.allFailureResponse ?? 204,
    deletingListed: opts.deletingListed ?? false,
    restartRefusedPerInstance: opts.restartRefusedPerInstance ?? false,
    tagRules: opts.tagRules ?? 'newer',
  };
}

function latency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be 0 or more ms, got ${ms}`);
  return ms;
}

/** Waits that end early, with false, when the simulator stops. */
function sleeps(): { sleep: (ms: number) => Promise<boolean>; stop(): void; stopped(): boolean } {
  const waiting = new Map<NodeJS.Timeout, (done: boolean) => void>();
  let stopped = false;
  return {
    // Resolves true after ms, or false if the simulator stops first.
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(timer);
          resolve(!stopped);
        }, ms);
        waiting.set(timer, resolve);
      }),
    stop: () => {
      stopped = true;
      for (const [timer, resolve] of waiting) {
        clearTimeout(timer);
        resolve(false);
      }
      waiting.clear();
    },
    stopped: () => stopped,
  };
}
