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
