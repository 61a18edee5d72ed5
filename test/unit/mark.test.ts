import { describe, expect, it } from 'vitest';
import { tagProblem } from '../../simulator/tags';
import { MARK_BY_KEY, MARK_KEY, markTags, markValue, readMark } from '../../src/campaign/mark';

describe('the mark a campaign writes', () => {
  const tags = markTags(Date.parse('2026-12-31T23:59:59.999Z'), `local-${'f'.repeat(36)}`);

  it('is the UTC time to the second, as YYYY-MM-DDTHH:MM:SSZ', () => {
    expect(tags).toEqual([
      { key: MARK_KEY, value: '2026-12-31T23:59:59Z' },
      { key: MARK_BY_KEY, value: `local-${'f'.repeat(36)}` },
    ]);
    expect(markValue(Date.parse('2026-03-07T01:05:00Z'))).toBe('2026-03-07T01:05:00Z');
  });

  it('satisfies both documented rule sets for tag keys and values', () => {
    for (const rules of ['older', 'newer'] as const) {
      for (const t of tags)
        expect(tagProblem(rules, t.key, t.value), `${rules} ${t.key}`).toBe(undefined);
    }
    // The checker does refuse what each set forbids.
    expect(tagProblem('older', MARK_KEY, 'a/b')).toBeDefined();
    expect(tagProblem('newer', 'sys.x', 'v')).toBeDefined();
  });

  it('makes any invocation id a valid value', () => {
    const [, by] = markTags(0, 'weird/id=with*chars and a very long tail that goes on and on');
    expect(tagProblem('older', MARK_BY_KEY, by?.value ?? '')).toBe(undefined);
    expect(tagProblem('newer', MARK_BY_KEY, by?.value ?? '')).toBe(undefined);
  });

  it('is read back from the tags, and a value edited by hand is no mark', () => {
    expect(readMark({ tags })).toEqual({
      at: Date.parse('2026-12-31T23:59:59Z'),
      value: '2026-12-31T23:59:59Z',
      by: `local-${'f'.repeat(36)}`,
    });
    for (const v of ['yesterday', '2026-02-30T01:00:00Z', '2026-03-07 01:00:00Z', '']) {
      expect(readMark({ tags: [{ key: MARK_KEY, value: v }] }), v).toBeUndefined();
    }
  });
});
