import { describe, expect, it } from 'vitest';
import { editDistance, nearMisses } from '../../src/policy/near-miss';

describe('nearMisses', () => {
  const fleet = ['maintenance-protect', 'env', 'team', 'Change-Freeze', 'owner'];

  it('finds a key by one of its words: maintenence is maintenance-protect', () => {
    expect(nearMisses('maintenence', fleet)).toEqual(['maintenance-protect']);
    expect(nearMisses('protect', fleet)).toEqual(['maintenance-protect']);
  });

  it('finds a whole key two edits away, closest first, ignoring case', () => {
    expect(nearMisses('change-freez', fleet)).toEqual(['Change-Freeze']);
    expect(nearMisses('teams', ['teams2', 'team'])).toEqual(['team', 'teams2']);
  });

  it('allows one edit only for a short key, and leaves out the key itself', () => {
    expect(nearMisses('enb', fleet)).toEqual(['env']);
    expect(nearMisses('eny', ['envx'])).toEqual([]);
    expect(nearMisses('ENV', fleet)).toEqual([]);
  });

  it('finds nothing for an unrelated key, and takes no long string for a typo', () => {
    expect(nearMisses('hold', fleet)).toEqual([]);
    expect(editDistance('k'.repeat(65), 'k'.repeat(64))).toBe(Number.POSITIVE_INFINITY);
  });
});
