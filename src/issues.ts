import type { ZodIssue } from 'zod';
import { type ConfigIssue, cut } from './errors';

/** Says what to write instead of an unknown key, or nothing. */
export type UnknownKeyHint = (key: string) => string | undefined;

/**
 * Zod issues as config issues, with paths under `root`. An object with
 * several unknown keys gives one issue per key, so every one is named.
 */
export function toConfigIssues(
  issues: readonly ZodIssue[],
  root: readonly (string | number)[] = [],
  hint: UnknownKeyHint = () => undefined,
): ConfigIssue[] {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => {
          const h = hint(k);
          return {
            path: formatPath([...root, ...i.path, k]),
            message: h ? `unknown key; ${h}` : 'unknown key',
          };
        })
      : [{ path: formatPath([...root, ...i.path]), message: i.message }],
  );
}

/**
 * `['policies', 'nightly', 'select', 'status', 0]` → `policies.nightly.select.status[0]`.
 * A long key is cut ({@link cut}), so that a message stays readable.
 */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    const p = cut(part);
    if (/^[A-Za-z0-9_-]+$/.test(p)) return acc ? `${acc}.${p}` : p;
    return `${acc}[${JSON.stringify(p)}]`;
  }, '');
}
