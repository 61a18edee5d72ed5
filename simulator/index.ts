/** DMS for Kafka simulator: a real HTTP server on loopback that signs, fails and changes like DMS. */
export { canonicalRequest, canonicalUri, rfc3986 } from './canonical';
export { DEMO_ACCOUNTS, DEMO_AGENCY, demoFleet, demoId, demoKafka, demoOrganization } from './demo';
export { ENTERPRISE_PROJECTS, type FleetOptions, generateFleet } from './fleet';
export { type LoadedRecording, loadRecording, RecordingError } from './from-dir';
export type { IssuedKey } from './iam';
export { FLEET_EPOCH_MS, makeInstance, tagsOf } from './instance';
export type { ClusterView, RecordedError, RecordedKafka } from './kafka';
export type { RestartEvent, RestartListener, SimObserver } from './observe';
export {
  RECORDING_FILES,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordedFailure,
  type RecordingManifest,
} from './recording';
export type { Simulator, SimulatorLoad } from './running';
export {
  DEMO_AK,
  DEMO_DOMAIN_ID,
  DEMO_PROJECT_ID,
  DEMO_REGION,
  DEMO_SK,
  startSimulator,
} from './server';
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
  ShowClusterField,
  SimAccount,
  SimInstance,
  SimKafka,
  SimOrganization,
  SimPolicy,
  SimStatement,
  SimTag,
  SimTopic,
  SimulatorOptions,
  TagRules,
} from './types';
