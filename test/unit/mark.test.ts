import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tagProblem } from '../../simulator/tags';
import {
  agedMarks,
  LEGACY_MARK_BY_KEY,
  LEGACY_MARK_KEY,
  MARK_PREFIX,
  markTags,
  markValue,
  newMarkKey,
  readMark,
} from '../../src/plan/mark';

describe('the mark a campaign writes', () => {
  const key = newMarkKey(randomBytes(12));
  const tags = markTags(Date.parse('2026-12-31T23:59:59.999Z'), key);

  it("is one tag: the run's own key, and the UTC time to the second", () => {
    expect(key).toMatch(/^dms-maintenance\.mark-[a-z2-7]{12}$/);
    expect(tags).toEqual([{ key, value: '2026-12-31T23:59:59Z' }]);
    expect(markValue(Date.parse('2026-03-07T01:05:00Z'))).toBe('2026-03-07T01:05:00Z');
  });

  it('has a key of its own for every run', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newMarkKey(randomBytes(12))));
    expect(keys.size).toBe(1000);
    expect(newMarkKey(new Uint8Array(12).fill(255))).toBe(`${MARK_PREFIX}777777777777`);
  });

  it('satisfies both documented rule sets for tag keys and values', () => {
    for (const rules of ['older', 'newer'] as const) {
      for (const t of tags)
        expect(tagProblem(rules, t.key, t.value), `${rules} ${t.key}`).toBe(undefined);
    }
    // The checker does refuse what each set forbids.
    expect(tagProblem('older', key, 'a/b')).toBeDefined();
    expect(tagProblem('older', `${key}x${'y'.repeat(3)}`, 'v')).toBeDefined();
    expect(tagProblem('newer', 'sys.x', 'v')).toBeDefined();
  });

  it('is read back from the tags, newest first, and a value edited by hand is no mark', () => {
    const other = newMarkKey(randomBytes(12));
    const both = [
      ...tags,
      { key: other, value: '2027-01-01T00:00:00Z' },
      { key: 'env', value: '2027-02-01T00:00:00Z' },
    ];
    expect(readMark({ tags: both })).toEqual({
      at: Date.parse('2027-01-01T00:00:00Z'),
      value: '2027-01-01T00:00:00Z',
      key: other,
    });
    // A run reads past its own mark.
    expect(readMark({ tags: both }, [{ key: other, value: '' }])?.key).toBe(key);
    for (const v of ['yesterday', '2026-02-30T01:00:00Z', '2026-03-07 01:00:00Z', '']) {
      expect(readMark({ tags: [{ key, value: v }] }), v).toBeUndefined();
    }
  });

  it('still reads the two-tag mark of earlier builds', () => {
    const legacy = [
      { key: LEGACY_MARK_KEY, value: '2026-03-07T01:00:00Z' },
      { key: LEGACY_MARK_BY_KEY, value: 'req-1' },
    ];
    expect(readMark({ tags: legacy })).toMatchObject({
      key: LEGACY_MARK_KEY,
      value: legacy[0]?.value,
    });
  });

  it('names the marks that count for nothing in the period, never the own one', () => {
    const own = newMarkKey(randomBytes(12));
    const old = newMarkKey(randomBytes(12));
    const current = newMarkKey(randomBytes(12));
    const instance = {
      tags: [
        { key: LEGACY_MARK_KEY, value: '2026-02-28T01:00:00Z' },
        { key: LEGACY_MARK_BY_KEY, value: 'req-1' },
        { key: old, value: '2026-03-01T01:00:00Z' },
        { key: current, value: '2026-03-07T01:10:00Z' },
        { key: own, value: '2026-02-01T01:00:00Z' },
        { key: 'env', value: 'prod' },
      ],
    };
    const period = {
      window: {
        opensAt: Date.parse('2026-03-07T01:00:00Z'),
        closesAt: Date.parse('2026-03-07T03:00:00Z'),
      },
      intervalFrom: Date.parse('2026-03-07T00:00:00Z'),
    };
    expect(agedMarks(instance, period, own)).toEqual([
      { key: LEGACY_MARK_KEY, value: '2026-02-28T01:00:00Z' },
      { key: LEGACY_MARK_BY_KEY, value: 'req-1' },
      { key: old, value: '2026-03-01T01:00:00Z' },
    ]);
  });
});
