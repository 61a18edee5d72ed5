/** DMS for Kafka simulator: a real HTTP server on loopback that signs, fails and changes like DMS. */
export { canonicalRequest, canonicalUri, rfc3986 } from './canonical';
export { demoFleet, demoId, demoKafka } from './demo';
export { ENTERPRISE_PROJECTS, type FleetOptions, generateFleet } from './fleet';
export { FLEET_EPOCH_MS, makeInstance, tagsOf } from './instance';
export { DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, startSimulator } from './server';
export {
  type AuthExpectations,
  type AuthReason,
  type IncomingSigned,
  MAX_SKEW_MS,
  type Verdict,
  verifyRequest,
} from './signature';
export type {
  FaultKind,
  FaultSpec,
  PublishedMessage,
  RecordedRequest,
  RouteName,
  SimInstance,
  SimKafka,
  SimTag,
  SimTopic,
  Simulator,
  SimulatorLoad,
  SimulatorOptions,
  TagRules,
} from './types';
