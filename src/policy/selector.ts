import { z } from 'zod';

/**
 * Tag selectors and name patterns, as the policy file writes them: a tag's
 * value is a quoted string, a list of them, or `{ present: true }`.
 */

export const MAX_TAG_VALUES = 100;
export const MAX_NAME_PATTERNS = 50;
export const MAX_GLOB_STARS = 4;

// DMS tag keys are at most 128 characters and values at most 255.
const tagKey = z.string().min(1, 'a tag key cannot be empty').max(128);
const tagString = z.string().max(255);

/**
 * `{ present: true }`: the key is there, whatever its value (the empty one
 * included). An object, so that no tag value can be mistaken for it.
 */
const present = z.object({ present: z.literal(true) }).strict();

/**
 * DMS tag values are strings. YAML reads an unquoted `true`, `1` or an
 * empty value as something else, and guessing what was meant is how a
 * selector matches more than intended, so those are refused with both
 * readings spelled out.
 */
function notAString(v: unknown, inList: boolean): string | undefined {
  const any = inList ? '' : ', or { present: true } to match any value';
  if (typeof v === 'boolean') {
    return `the unquoted ${v} is ambiguous; write "${v}" (quoted) to match the value ${v}${any}`;
  }
  if (typeof v === 'number') {
    return `the unquoted number ${v} is ambiguous; tag values are strings: quote it exactly as the tag reads, e.g. "${v}"`;
  }
  if (v === null || v === undefined) {
    return `an empty or null tag value is ambiguous; write "" (quoted) to match the empty value${any}`;
  }
  return undefined;
}

const tagValue = z
  .unknown()
  .superRefine((v, ctx) => {
    const problem = notAString(v, false);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    if (!Array.isArray(v)) return;
    for (const [i, item] of v.slice(0, MAX_TAG_VALUES + 1).entries()) {
      const p = notAString(item, true);
      if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: p });
    }
  })
  .pipe(
    z.union(
      [
        tagString,
        present,
        z
          .array(tagString, { invalid_type_error: 'a list of tag values must hold strings only' })
          .min(1, 'a list of tag values cannot be empty')
          .max(MAX_TAG_VALUES, `at most ${MAX_TAG_VALUES} values per tag`),
      ],
      {
        errorMap: () => ({
          message: 'a tag value must be a string, a list of strings, or { present: true }',
        }),
      },
    ),
  );

export const tagSelector = z
  .record(tagKey, tagValue)
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 tag keys');
export type TagSelector = z.infer<typeof tagSelector>;

/**
 * Instance names are letters, digits, `-` and `_`; patterns add `*` and `?`
 * only. A pattern with many stars backtracks badly, so their count is capped.
 */
export const namePattern = z
  .string()
  .min(1, 'a name pattern cannot be empty')
  .max(128)
  .regex(
    /^[A-Za-z0-9_.*?-]+$/,
    'a name pattern may hold letters, digits, - _ . and the wildcards * ?',
  )
  .refine(
    (p) => (p.match(/\*/g)?.length ?? 0) <= MAX_GLOB_STARS,
    `at most ${MAX_GLOB_STARS} * wildcards in a pattern`,
  );
