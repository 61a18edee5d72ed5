import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { namePattern } from '../../src/plan/name-pattern';

// picomatch, with every extension off, is the oracle: the patterns the
// policy loader admits must mean to us what they mean to a glob library.
const oracle = (p: string) =>
  picomatch(p, { nobrace: true, noextglob: true, nonegate: true, noglobstar: true, dot: true });

const ALPHABET = 'ab.-_1';
function* words(maxLen: number, letters: string): Generator<string> {
  yield '';
  let layer = [''];
  for (let n = 1; n <= maxLen; n++) {
    const next: string[] = [];
    for (const w of layer) for (const c of letters) next.push(w + c);
    yield* next;
    layer = next;
  }
}

describe('name patterns', () => {
  it('agree with a glob library on every pattern and name up to a few characters', () => {
    // A glob library keeps `*` off the path segments "", "." and "..";
    // no instance has such a name, and to us `*` matches every name.
    const names = [...words(4, ALPHABET)].filter((n) => !/^\.{0,2}$/.test(n));
    const differ: string[] = [];
    let checked = 0;
    for (const p of words(3, `${ALPHABET}*?`)) {
      // The library reads `*.*` as "a name with an extension" and so
      // refuses "a."; to us, as to fnmatch, a star may match nothing.
      if (p === '' || p === '*.*') continue;
      const ours = namePattern(p);
      const theirs = oracle(p);
      for (const n of names) {
        if (ours(n) !== theirs(n)) differ.push(`${p} on ${JSON.stringify(n)}`);
        checked++;
      }
    }
    expect(differ.slice(0, 10)).toEqual([]);
    expect(checked).toBe(583 * 1552);
  });

  it('read . and - as themselves', () => {
    expect(namePattern('kafka.prod-*')('kafkaXprod-1')).toBe(false);
    expect(namePattern('kafka.prod-*')('kafka.prod-1')).toBe(true);
    expect(namePattern('a-c')('b')).toBe(false);
  });

  it('let a star match nothing, everywhere', () => {
    expect(namePattern('*.*')('a.')).toBe(true);
    expect(namePattern('a*b')('ab')).toBe(true);
  });

  it('match the whole name, not a part of it', () => {
    expect(namePattern('stg')('kafka-stg-01')).toBe(false);
    expect(namePattern('*stg*')('kafka-stg-01')).toBe(true);
    expect(namePattern('legacy-??')('legacy-123')).toBe(false);
  });
});
