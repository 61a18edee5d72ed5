import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isAlias, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors';
import { formatPath, toConfigIssues } from '../issues';
import { type Account, accountsFileSchema, resolveAccountsFile } from './accounts';
import { type Policy, resolvePolicies } from './resolve';
import { policyFileSchema } from './schema';

/** A policy file larger than this is refused; at most one byte more is ever read. */
export const MAX_POLICY_BYTES = 256 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads, parses and validates a policy file (YAML or JSON), and the
 * accounts file beside it when one is named (`ACCOUNTS_FILE`).
 */
export async function loadPolicyFile(
  path: string,
  accountsPath?: string,
): Promise<Map<string, Policy>> {
  const accounts = accountsPath
    ? parseAccounts(await readPolicyText(accountsPath), accountsPath)
    : undefined;
  return parsePolicies(await readPolicyText(path), path, accounts);
}

/** Parses an accounts file: `accounts: [...]`, or c7n-org's `domains: [...]`. */
export function parseAccounts(text: string, source = 'accounts file'): Account[] {
  const parsed = accountsFileSchema.safeParse(safeYaml(text, source));
  if (!parsed.success) throw new ConfigError(toConfigIssues(parsed.error.issues), source);
  return resolveAccountsFile(parsed.data);
}

/**
 * Reads the file, refusing anything but a regular file of at most
 * {@link MAX_POLICY_BYTES}. A FIFO or a device would block or never end,
 * and a huge file would cost its size in memory, so the file is opened
 * without blocking, checked with fstat, and read only up to the limit.
 *
 * Synchronously: the file is small and local, and this runs before
 * anything else the invocation does. It takes about a millisecond, where
 * node:fs/promises cost a cold start some 6 ms (its module, and a
 * threadpool round trip for each of open, fstat, the reads and close).
 */
async function readPolicyText(path: string): Promise<string> {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw cannotRead(e, path);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw ConfigError.at('(file)', `not a regular file (${fileKind(stat)})`, path);
    }
    if (stat.size > MAX_POLICY_BYTES) throw tooLarge(path);
    const buf = Buffer.alloc(MAX_POLICY_BYTES + 1);
    let length = 0;
    while (length < buf.length) {
      const bytesRead = readSync(fd, buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    // The file may have grown since fstat.
    if (length > MAX_POLICY_BYTES) throw tooLarge(path);
    return buf.toString('utf8', 0, length);
  } catch (e) {
    throw e instanceof ConfigError ? e : cannotRead(e, path);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string): ConfigError {
  return ConfigError.at('(file)', `larger than ${MAX_POLICY_BYTES} bytes`, path);
}

function cannotRead(e: unknown, path: string): ConfigError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  return ConfigError.at('(file)', `cannot read the policy file (${code})`, path);
}

function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'an unknown kind of file';
}

/**
 * Parses policy text. YAML anchors and aliases are refused outright: the
 * file has no need for them, and they are how small files grow huge.
 */
export function parsePolicies(
  text: string,
  source = 'policy file',
  accounts?: readonly Account[],
): Map<string, Policy> {
  const parsed = policyFileSchema.safeParse(safeYaml(text, source));
  if (!parsed.success) throw new ConfigError(toConfigIssues(parsed.error.issues), source);
  return resolvePolicies(parsed.data, accounts, source);
}

/** YAML or JSON text as plain data: no anchors, no aliases, no prototype keys. */
function safeYaml(text: string, source: string): unknown {
  if (text.length > MAX_POLICY_BYTES) {
    throw ConfigError.at('(file)', `larger than ${MAX_POLICY_BYTES} bytes`, source);
  }
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    throw new ConfigError(
      problems.map((p) => {
        const at = p.linePos?.[0];
        return {
          path: at ? `line ${at.line}, column ${at.col}` : '(file)',
          message: firstLine(p.message).replace(/ at line \d+, column \d+:$/, ''),
        };
      }),
      source,
    );
  }
  const aliases: ConfigIssue[] = [];
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node) || (node as { anchor?: string }).anchor) {
        aliases.push({
          path: yamlPath(path, _key),
          message: 'YAML anchors and aliases are not allowed in a policy file',
        });
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (aliases.length > 0) throw new ConfigError(aliases, source);

  const data: unknown = doc.toJS({ maxAliasCount: 0 });
  if (data === null || data === undefined) {
    throw ConfigError.at('(root)', 'the policy file is empty', source);
  }
  const unsafe = findForbiddenKey(data, '');
  if (unsafe) throw ConfigError.at(unsafe, 'this key name is not allowed', source);
  return data;
}

function findForbiddenKey(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = findForbiddenKey(v, `${path}[${i}]`);
      if (hit) return hit;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      const here = path ? `${path}.${k}` : k;
      if (FORBIDDEN_KEYS.has(k)) return here;
      const hit = findForbiddenKey((value as Record<string, unknown>)[k], here);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** The policy path of a node, from the ancestors `visit` hands over. */
function yamlPath(ancestors: readonly unknown[], key: number | 'key' | 'value' | null): string {
  const parts: (string | number)[] = [];
  for (const [i, n] of ancestors.entries()) {
    if (isPair(n)) {
      parts.push(String(isScalar(n.key) ? n.key.value : n.key));
    } else if (isSeq(n)) {
      const child = ancestors[i + 1];
      const idx = child === undefined ? key : n.items.indexOf(child);
      if (typeof idx === 'number' && idx >= 0) parts.push(idx);
    }
  }
  return formatPath(parts) || '(root)';
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
