/**
 * Huawei's own Node.js clients, pointed at the simulator, and a reader that
 * takes an answer as their models take it.
 *
 * The clients hand back the plain JSON they received (core's `HcClient`
 * does not build model objects), so "parses into the official model" is
 * checked here the way the models themselves read: the answer is put into
 * an instance of the model class, and each field is read through the
 * model's own accessor, whose getter reads the snake_case key the model
 * declares. A key the simulator renamed, dropped or sent with another type
 * reads as missing or wrong here.
 *
 * `@huaweicloud/huaweicloud-sdk-kafka` 3.1.215 and `-iam` 3.1.172 are
 * installed against our core 3.1.211 through `overrides` in package.json.
 * The iam package's main module does not load (its v5 index requires a file
 * that is not there), so IAM's v3 client comes from `v3/public-api`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import { GlobalCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials';
import { IamClient } from '@huaweicloud/huaweicloud-sdk-iam/v3/public-api';
import { KafkaClient } from '@huaweicloud/huaweicloud-sdk-kafka';
import log4js from 'log4js';
import type { Simulator } from '../../simulator';

// Core's logger prints whole requests, credentials included, on every failure.
log4js.configure({
  appenders: { out: { type: 'stdout' } },
  categories: { default: { appenders: ['out'], level: 'off' } },
});

const USER_AGENT = 'dms-kafka-maintenance-conformance';

/** The official Kafka client, signing with the simulator's own keys for its project. */
export function officialKafka(sim: Simulator): KafkaClient {
  const cred = new BasicCredentials().withAk(sim.ak).withSk(sim.sk).withProjectId(sim.projectId);
  return KafkaClient.newBuilder()
    .withCredential(cred)
    .withEndpoint(sim.endpoint)
    .withOptions({ customUserAgent: USER_AGENT })
    .build();
}

/** The official IAM v3 client, signing with `keys` (by default the simulator's own) for their account. */
export function officialIam(
  sim: Simulator,
  keys: { ak: string; sk: string; securityToken?: string; domainId: string } = sim,
): IamClient {
  const cred = new GlobalCredentials().withAk(keys.ak).withSk(keys.sk).withDomainId(keys.domainId);
  if (keys.securityToken) cred.withSecurityToken(keys.securityToken);
  return IamClient.newBuilder()
    .withCredential(cred)
    .withEndpoint(sim.endpoint)
    .withOptions({ customUserAgent: USER_AGENT })
    .build();
}

/** The kind a field the function reads must have, read through the official model. */
export type FieldKind =
  | 'string'
  | 'boolean'
  /** Any finite number. */
  | 'number'
  /** A whole number, zero or more: every count the function compares. */
  | 'count'
  /** Text, one of these values. */
  | { oneOf: readonly string[] }
  /** Text that `Date.parse` reads as a time. */
  | 'time'
  | { model: ModelSpec }
  /** An array, each item read through this model; non-empty unless `mayBeEmpty`. */
  | { arrayOf: ModelSpec; mayBeEmpty?: true };

/** An official model and the fields of it the function reads. */
export interface ModelSpec {
  model: new () => object;
  /** Which package declares it: the declared types are read from its `.d.ts`. */
  pkg: 'kafka' | 'iam';
  /** By the model's own accessor (camelCase getter or public field), as the SDK exposes it. */
  fields: Record<string, FieldKind>;
}

/**
 * Reads `raw` through `spec`'s model, and through the models of its nested
 * fields: each field the function reads must be there with its kind. Gives
 * one line per problem, with the path (empty when the answer conforms).
 */
export function nonConforming(spec: ModelSpec, raw: unknown, path = ''): string[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return [`${path || 'body'}: expected an object, got ${describe(raw)}`];
  }
  const m = Object.assign(new spec.model(), raw) as Record<string, unknown>;
  const out: string[] = [];
  for (const [field, kind] of Object.entries(spec.fields)) {
    out.push(...check(kind, m[field], path ? `${path}.${field}` : field));
  }
  return out;
}

function check(kind: FieldKind, v: unknown, at: string): string[] {
  if (v === undefined || v === null) return [`${at}: missing`];
  if (typeof kind === 'object' && 'model' in kind) return nonConforming(kind.model, v, at);
  if (typeof kind === 'object' && 'arrayOf' in kind) {
    if (!Array.isArray(v)) return [`${at}: expected an array, got ${describe(v)}`];
    if (v.length === 0 && !kind.mayBeEmpty)
      return [`${at}: empty, so nothing in it could be checked`];
    return v.flatMap((item, i) => nonConforming(kind.arrayOf, item, `${at}[${i}]`));
  }
  const ok =
    kind === 'string'
      ? typeof v === 'string'
      : kind === 'boolean'
        ? typeof v === 'boolean'
        : kind === 'number'
          ? typeof v === 'number' && Number.isFinite(v)
          : kind === 'count'
            ? typeof v === 'number' && Number.isInteger(v) && v >= 0
            : kind === 'time'
              ? typeof v === 'string' && !Number.isNaN(Date.parse(v))
              : typeof v === 'string' && kind.oneOf.includes(v);
  return ok ? [] : [`${at}: expected ${kindWords(kind)}, got ${describe(v)}`];
}

function kindWords(kind: FieldKind): string {
  if (typeof kind === 'string') return kind === 'count' ? 'a whole number >= 0' : kind;
  if ('oneOf' in kind) return `one of ${kind.oneOf.join(', ')}`;
  return 'an object';
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : typeof v;
}

const requireHere = createRequire(join(process.cwd(), 'package.json'));
const MODEL_DIRS = {
  kafka: join(
    dirname(requireHere.resolve('@huaweicloud/huaweicloud-sdk-kafka/package.json')),
    'v2/model',
  ),
  iam: join(
    dirname(requireHere.resolve('@huaweicloud/huaweicloud-sdk-iam/package.json')),
    'v3/model',
  ),
};

/** The model's declaration file, as the package ships it. */
function declaration(spec: Pick<ModelSpec, 'model' | 'pkg'>): string {
  return readFileSync(join(MODEL_DIRS[spec.pkg], `${spec.model.name}.d.ts`), 'utf8');
}

/**
 * The type the official model declares for an accessor: a public field's
 * (`name?: T;`) or a getter's (`get name(): T | undefined;`); undefined
 * when the model has no such accessor.
 */
export function declaredType(spec: ModelSpec, accessor: string): string | undefined {
  const d = declaration(spec);
  const field = new RegExp(`^\\s+${accessor}\\?: (.+);$`, 'm').exec(d);
  if (field) return field[1];
  return new RegExp(`^\\s+get ${accessor}\\(\\): (.+) \\| undefined;$`, 'm').exec(d)?.[1];
}

/** The type the official model declares for each kind the function expects. */
export function expectedDeclaration(kind: FieldKind): RegExp {
  if (typeof kind === 'object' && 'model' in kind) return new RegExp(`^${kind.model.model.name}$`);
  if (typeof kind === 'object' && 'arrayOf' in kind) {
    return new RegExp(`^Array<${kind.arrayOf.model.name}>$`);
  }
  const base = kind === 'count' ? 'number' : typeof kind === 'string' ? kind : 'string';
  // Text fields with a documented set of values are declared `SomeEnum | string`.
  return new RegExp(`^(\\w+Enum \\| )?${base === 'time' ? 'string' : base}$`);
}

/**
 * Every wire key the model declares (public fields and the private
 * snake_case ones behind its getters): what the official client would send
 * or read.
 */
export function declaredKeys(spec: Pick<ModelSpec, 'model' | 'pkg'>): Set<string> {
  const keys = new Set<string>();
  for (const m of declaration(spec).matchAll(/^\s+(?:private '(\w+)'|(\w+))\?[:;]/gm)) {
    keys.add((m[1] ?? m[2]) as string);
  }
  return keys;
}

/** True when every field the kafka model `name` declares is optional (`?`). */
export function declaredOptional(name: string): boolean {
  const d = readFileSync(join(MODEL_DIRS.kafka, `${name}.d.ts`), 'utf8');
  const fields = [...d.matchAll(/^\s+(?:private '\w+'|\w+)(\??)[:;]/gm)];
  return fields.length > 0 && fields.every((m) => m[1] === '?');
}

/** The request a test just sent, as the simulator recorded it. */
export function lastRequest(sim: Simulator) {
  const r = sim.requests.at(-1);
  if (!r) throw new Error('no request was recorded');
  return { method: r.method, path: r.path, route: r.route, status: r.status };
}

/** A request model, and the models of the fields nested in it. */
export interface RequestShape {
  model: new () => object;
  pkg: 'kafka' | 'iam';
  nested?: Record<string, RequestShape>;
}

/**
 * Each key of a body or query the function sent that the official request
 * model does not declare (the official client could not have sent it).
 */
export function undeclared(value: unknown, shape: RequestShape, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclared(v, shape, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const keys = declaredKeys(shape);
  return Object.entries(value).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    if (!keys.has(k)) return [`${at}: not a field of ${shape.model.name}`];
    const inner = shape.nested?.[k];
    return inner ? undeclared(v, inner, at) : [];
  });
}

/**
 * The answer put into the official model, so that its getters read it: the
 * clients hand back plain JSON, on which the camelCase accessors are undefined.
 */
export function asModel<T extends object>(model: new () => T, raw: unknown): T {
  return Object.assign(new model(), raw);
}
