import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A block body in Terraform's JSON syntax: attributes, nested blocks, "//" comments. */
export type TfBody = Record<string, unknown>;

/** The parts of a Terraform configuration in JSON syntax that the checks read. */
export interface TfConfig {
  terraform: TfBody[];
  provider: Record<string, TfBody>;
  variable: Record<string, TfBody & { default?: unknown }>;
  locals: Record<string, string>;
  resource: Record<string, Record<string, TfBody>>;
  output: Record<string, TfBody>;
  files: string[];
}

const TOP_LEVEL = new Set([
  '//',
  'terraform',
  'provider',
  'variable',
  'locals',
  'resource',
  'output',
]);

/**
 * Reads every *.tf.json in `dir` and merges them the way Terraform does
 * (one module = all its files). A duplicate name or an unknown top-level key
 * is an error.
 */
export function readTerraformJson(dir: string): TfConfig {
  const cfg: TfConfig = {
    terraform: [],
    provider: {},
    variable: {},
    locals: {},
    resource: {},
    output: {},
    files: [],
  };
  const put = <T>(into: Record<string, T>, key: string, value: T, where: string) => {
    if (key === '//') return;
    if (key in into) throw new Error(`${where}: ${key} is declared twice`);
    into[key] = value;
  };
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.tf.json'))
    .sort()) {
    cfg.files.push(name);
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(doc)) {
      if (!TOP_LEVEL.has(key)) throw new Error(`${name}: unexpected top-level key ${key}`);
      const body = value as Record<string, unknown>;
      if (key === 'terraform') cfg.terraform.push(body);
      if (key === 'provider' || key === 'variable' || key === 'output' || key === 'locals') {
        for (const [k, v] of Object.entries(body)) {
          put(cfg[key] as Record<string, unknown>, k, v, name);
        }
      }
      if (key === 'resource') {
        for (const [type, byName] of Object.entries(body)) {
          cfg.resource[type] ??= {};
          for (const [n, b] of Object.entries(byName as Record<string, TfBody>)) {
            put(cfg.resource[type], n, b, name);
          }
        }
      }
    }
  }
  return cfg;
}

/** Why a `terraform.tfvars` in HCL is named but not checked. */
export const HCL_NOT_READ =
  'HCL, not read: its values are not checked (write them in terraform.tfvars.json to have them checked)';

/**
 * The variables' values as Terraform would take them without `-var`: the
 * defaults, then `terraform.tfvars.json`, then each `*.auto.tfvars.json` in
 * lexical order, later files winning. Files in HCL are listed as not read.
 */
export function terraformValues(
  dir: string,
  tf: TfConfig,
): { values: Record<string, unknown>; read: string[]; notRead: string[] } {
  const values: Record<string, unknown> = {};
  for (const [name, body] of Object.entries(tf.variable)) values[name] = body.default;
  const files = readdirSync(dir).sort();
  const json = [
    ...files.filter((f) => f === 'terraform.tfvars.json'),
    ...files.filter((f) => f.endsWith('.auto.tfvars.json')),
  ];
  for (const f of json) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(doc)) {
      if (!(k in tf.variable)) throw new Error(`${f}: ${k} is not a declared variable`);
      values[k] = v;
    }
  }
  const notRead = files.filter((f) => f === 'terraform.tfvars' || f.endsWith('.auto.tfvars'));
  return { values, read: json, notRead };
}
