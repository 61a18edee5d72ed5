/** One request's way through the simulator: record, authenticate, throttle, route, fault, handle. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parseQuery } from './canonical';
import type { HandlerContext } from './context';
import { apig, dms, echoHeaders } from './errors';
import { type Faults, faultLabel } from './faults';
import { HANDLERS, TRUNCATED_JSON } from './handlers';
import type { Iam, SimCaller } from './iam';
import type { RateLimit } from './ratelimit';
import { JSON_TYPE, type Reply } from './reply';
import { drop, send, sendHalf } from './respond';
import { matchRoute } from './routes';
import { type AuthExpectations, pathProject, verifyRequest } from './signature';
import type { Store } from './store';
import type { FaultSpec, PublishedMessage, RecordedRequest, RouteName, TagRules } from './types';

export interface PipelineState {
  store: Store;
  faults: Faults;
  rateLimit: RateLimit;
  requests: RecordedRequest[];
  published: PublishedMessage[];
  nextSeq: () => number;
  now: () => number;
  /** Every key the simulator accepts, the accounts and their agencies. */
  iam: Iam;
  /** Each project's fleet; a project not here is answered from `store`. */
  stores: ReadonlyMap<string, Store>;
  allFailureResponse: 204 | 200;
  deletingListed: boolean;
  restartRefusedPerInstance: boolean;
  tagRules: TagRules;
  sleep: (ms: number) => Promise<boolean>;
  /** Waited before every request is handled. */
  latencyMs: number;
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function statusFault(status: 500 | 502 | 503 | 504): Reply {
  if (status === 502) return apig.badGateway();
  if (status === 504) return apig.gatewayTimeout();
  return status === 503 ? dms.unavailable() : dms.internal();
}

/** Answers that replace the normal handling altogether. */
function replacement(
  spec: FaultSpec,
  route: RouteName,
  headers: IncomingHttpHeaders,
): Reply | undefined {
  switch (spec.kind) {
    case 'throttle':
      return apig.throttled(spec.retryAfterSeconds);
    case 'status':
      return statusFault(spec.status);
    case 'busy':
      return dms.busy();
    case 'malformed-json':
      return { status: 200, body: TRUNCATED_JSON[route], contentType: JSON_TYPE };
    case 'raw':
      return { status: spec.status, body: spec.body, contentType: spec.contentType ?? JSON_TYPE };
    case 'redirect':
      return { status: spec.status, headers: { Location: spec.location } };
    case 'echo-headers':
      return echoHeaders(spec.status, spec.shape, headers);
    default:
      return undefined;
  }
}

/** A normal answer with its JSON body passed through a `rewrite` fault's edit. */
function rewritten(reply: Reply, fault: Extract<FaultSpec, { kind: 'rewrite' }>): Reply {
  const body = reply.body === undefined || reply.body === '' ? undefined : JSON.parse(reply.body);
  const edited = fault.edit(body);
  const status = fault.status ?? reply.status;
  if (edited === undefined) return { status };
  return { ...reply, status, body: JSON.stringify(edited), contentType: JSON_TYPE };
}

const IAM_ROUTES: ReadonlySet<string> = new Set([
  'assumeAgency',
  'createTemporaryAccessKeyByAgency',
  'listProjects',
]);

/**
 * What the request must match: the key it names, as IAM knows it (with its
 * expiry), and a project of that key's account. A project of another
 * account is refused as a project that does not belong to the key.
 */
function expectations(
  state: PipelineState,
  authorization: string | undefined,
  route: string,
  path: string,
): AuthExpectations {
  const now = state.now();
  const access = /Access=([^,\s]+)/.exec(authorization ?? '')?.[1];
  const key = access === undefined ? undefined : state.iam.keys.get(access);
  if (!key || access === undefined) return { ak: '\u0000', sk: '', projectId: undefined, now };
  const owned = state.iam.projectsOf(key.domainId);
  const inPath = pathProject(path);
  return {
    ak: access,
    sk: key.sk,
    securityToken: key.securityToken,
    expiresAt: key.expiresAt,
    projectId: IAM_ROUTES.has(route)
      ? undefined
      : inPath !== undefined && owned.has(inPath)
        ? inPath
        : ([...owned][0] ?? ''),
    now,
  };
}

/** The request, recorded as it came, before anything is checked. */
function recorded(
  state: PipelineState,
  req: IncomingMessage,
  rawBody: Buffer,
): { record: RecordedRequest; match: ReturnType<typeof matchRoute>; rawQuery: string } {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, path);
  const record: RecordedRequest = {
    seq: state.nextSeq(),
    at: state.now(),
    method,
    path,
    route: match.route,
    query: Object.fromEntries(parseQuery(rawQuery)),
    body: parseJson(rawBody),
    signatureValid: false,
    status: 0,
  };
  state.requests.push(record);
  return { record, match, rawQuery };
}

export async function runPipeline(
  state: PipelineState,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: Buffer,
  tooLarge: boolean,
): Promise<void> {
  const { record, match, rawQuery } = recorded(state, req, rawBody);
  const { method, path } = record;
  if (state.latencyMs > 0 && !(await state.sleep(state.latencyMs))) return;
  const answer = (reply: Reply) => {
    record.status = reply.status;
    send(res, reply);
  };

  if (tooLarge) return answer(apig.tooLarge());
  const expected = expectations(state, req.headers.authorization, match.route, path);
  const verdict = verifyRequest(
    { method, path, query: rawQuery, headers: req.headers, body: rawBody },
    expected,
  );
  record.signatureValid = verdict.signatureValid;
  const signer = state.iam.keys.get(expected.ak);
  if (signer) record.account = signer.domainId;
  if (!verdict.ok) {
    record.authError = verdict.reason;
    return answer(apig.unauthorized(verdict.code, verdict.message));
  }
  if (!state.rateLimit.admit()) return answer(apig.throttled());
  if (match.route === 'unknown') return answer(apig.notFound());
  const route = match.route;

  const fault = state.faults.take(route);
  if (fault) record.fault = faultLabel(fault);
  const caller: SimCaller = {
    domainId: signer?.domainId ?? '',
    policies: signer?.policies,
    withToken: req.headers['x-security-token'] !== undefined,
  };
  const ctx = handlerContext(state, record, rawBody, match, caller);
  const handle = () => {
    try {
      return HANDLERS[route](ctx);
    } catch {
      return dms.internal();
    }
  };
  if (!fault) return answer(handle());
  const replaced = replacement(fault, route, req.headers);
  if (replaced) return answer(replaced);
  return withFault(fault, { state, res, record, ctx, handle, answer });
}

/** What a handler works with: the fleet of the request's project, and the request. */
function handlerContext(
  state: PipelineState,
  record: RecordedRequest,
  rawBody: Buffer,
  match: ReturnType<typeof matchRoute>,
  caller: SimCaller,
): HandlerContext {
  const inPath = pathProject(record.path);
  return {
    store: (inPath && state.stores.get(inPath)) || state.store,
    iam: state.iam,
    caller,
    query: record.query,
    rawBody,
    instanceId: match.instanceId,
    topicUrn: match.topicUrn,
    published: state.published,
    now: state.now,
    apply: true,
    allFailureResponse: state.allFailureResponse,
    deletingListed: state.deletingListed,
    restartRefusedPerInstance: state.restartRefusedPerInstance,
    tagRules: state.tagRules,
  };
}

interface FaultScene {
  state: PipelineState;
  res: ServerResponse;
  record: RecordedRequest;
  ctx: HandlerContext;
  handle: () => Reply;
  answer: (reply: Reply) => void;
}

/** The faults that change how the normal answer is given, or whether it is. */
async function withFault(fault: FaultSpec, f: FaultScene): Promise<void> {
  const { ctx, handle, answer } = f;
  switch (fault.kind) {
    case 'delay':
      if (await f.state.sleep(fault.ms)) answer(handle());
      return;
    case 'hang':
      return;
    case 'drop':
      return drop(f.res);
    case 'drop-mid-body': {
      ctx.apply = false;
      f.record.status = 200;
      return sendHalf(f.res, handle().body ?? '{"tags": []}');
    }
    case 'lost-response':
      handle();
      return drop(f.res);
    case 'results':
      ctx.outcome = {
        failIds: new Set(fault.failIds),
        omitIds: new Set(fault.omitIds),
        omitAppliedIds: new Set(fault.omitAppliedIds),
        ignoreIds: new Set(fault.ignoreIds),
      };
      return answer(handle());
    case 'rewrite':
      return answer(rewritten(handle(), fault));
    case 'mutate':
      fault.apply();
      return answer(handle());
    case 'not-applied':
      ctx.apply = false;
      return answer(handle());
  }
}
