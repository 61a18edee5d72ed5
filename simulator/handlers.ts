/** Route name to handler. */
import { instanceAction } from './action';
import type { HandlerContext } from './context';
import { listTopics, showCluster } from './kafka-routes';
import { listInstances, showInstance } from './list';
import { showRecycle } from './recycle';
import type { Reply } from './reply';
import { publish } from './smn';
import { assumeAgencyV5 } from './sts';
import { projectTags, showTags, tagAction } from './tags';
import type { RouteName } from './types';

export const HANDLERS: Record<RouteName, (ctx: HandlerContext) => Reply> = {
  listInstances,
  showInstance,
  instanceAction,
  showTags,
  tagAction,
  projectTags,
  showRecycle,
  showCluster,
  listTopics,
  publish,
  assumeAgency: (ctx) => assumeAgencyV5(ctx.iam, ctx.caller, parseBody(ctx.rawBody), ctx.now()),
  createTemporaryAccessKeyByAgency: (ctx) =>
    ctx.iam.assume(ctx.caller, parseBody(ctx.rawBody), ctx.now()),
  listProjects: (ctx) => ctx.iam.listProjects(ctx.caller.domainId, ctx.query.name),
};

function parseBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A start of each route's answer that stops before the JSON is complete. */
export const TRUNCATED_JSON: Record<RouteName, string> = {
  listInstances: '{"instances": [',
  showInstance: '{"instance_id": ',
  instanceAction: '{"results": [',
  showTags: '{"tags": [',
  tagAction: '{',
  projectTags: '{"tags": [{"key": ',
  showRecycle: '{"recycle_instances": [',
  showCluster: '{"cluster": {"brokers": [',
  listTopics: '{"total": 3, "topics": [',
  publish: '{"request_id": ',
  assumeAgency: '{"credentials": {"access_key_id": ',
  createTemporaryAccessKeyByAgency: '{"credential": {"access": ',
  listProjects: '{"projects": [',
};
