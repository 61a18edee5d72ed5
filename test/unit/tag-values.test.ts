import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/errors';
import { parsePolicies } from '../../src/policy/load';

const file = (body: string) => `version: 1\npolicies:\n  x:\n    action: restart\n${body}`;

/** The issues of the ConfigError the policy text is refused with. */
function refusal(text: string): ConfigIssue[] {
  try {
    parsePolicies(text);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('the policy file was accepted');
}

const AMBIGUOUS_TRUE =
  'the unquoted true is ambiguous; write "true" (quoted) to match the value true, or { present: true } to match any value';

describe('tag values in the policy file', () => {
  it('refuses an unquoted true in select.tags, showing both readings', () => {
    expect(refusal(file('    select: { tags: { auto-restart: true } }\n'))).toEqual([
      { path: 'policies.x.select.tags.auto-restart', message: AMBIGUOUS_TRUE },
    ]);
  });

  it('refuses an unquoted true in exclude.tags, in a policy and in defaults', () => {
    const text = [
      'version: 1',
      'defaults: { exclude: { tags: { maintenance-protect: true } } }',
      'policies:',
      '  x:',
      '    action: restart',
      '    select: { tags: { env: staging } }',
      '    exclude: { tags: { hold: true } }',
      '',
    ].join('\n');
    expect(refusal(text)).toEqual([
      { path: 'defaults.exclude.tags.maintenance-protect', message: AMBIGUOUS_TRUE },
      { path: 'policies.x.exclude.tags.hold', message: AMBIGUOUS_TRUE },
    ]);
  });

  it('refuses unquoted false, numbers and empty values, saying to quote them', () => {
    const text = file(
      '    select: { tags: { a: false, tier: 1, b: 1.50, c: null, d: } }\n' +
        '    exclude: { tags: { e: 0x1F } }\n',
    );
    expect(refusal(text)).toEqual([
      {
        path: 'policies.x.select.tags.a',
        message:
          'the unquoted false is ambiguous; write "false" (quoted) to match the value false, or { present: true } to match any value',
      },
      {
        path: 'policies.x.select.tags.tier',
        message:
          'the unquoted number 1 is ambiguous; tag values are strings: quote it exactly as the tag reads, e.g. "1"',
      },
      {
        path: 'policies.x.select.tags.b',
        message:
          'the unquoted number 1.5 is ambiguous; tag values are strings: quote it exactly as the tag reads, e.g. "1.5"',
      },
      {
        path: 'policies.x.select.tags.c',
        message:
          'an empty or null tag value is ambiguous; write "" (quoted) to match the empty value, or { present: true } to match any value',
      },
      {
        path: 'policies.x.select.tags.d',
        message:
          'an empty or null tag value is ambiguous; write "" (quoted) to match the empty value, or { present: true } to match any value',
      },
      {
        path: 'policies.x.exclude.tags.e',
        message:
          'the unquoted number 31 is ambiguous; tag values are strings: quote it exactly as the tag reads, e.g. "31"',
      },
    ]);
  });

  it('refuses unquoted non-strings inside a list of values, each with its index', () => {
    expect(refusal(file('    select: { tags: { env: [staging, true, 2] } }\n'))).toEqual([
      {
        path: 'policies.x.select.tags.env[1]',
        message: 'the unquoted true is ambiguous; write "true" (quoted) to match the value true',
      },
      {
        path: 'policies.x.select.tags.env[2]',
        message:
          'the unquoted number 2 is ambiguous; tag values are strings: quote it exactly as the tag reads, e.g. "2"',
      },
    ]);
  });

  it('accepts quoted values and { present: true }, and nothing else shaped like an object', () => {
    const p = parsePolicies(
      file('    select: { tags: { a: "true", b: "1", c: "", d: { present: true } } }\n'),
    ).get('x');
    expect(p?.select?.tags).toEqual({ a: 'true', b: '1', c: '', d: { present: true } });
    for (const bad of ['{ present: false }', '{ any: true }', '{ a: b }']) {
      expect(refusal(file(`    select: { tags: { d: ${bad} } }\n`))).toEqual([
        {
          path: 'policies.x.select.tags.d',
          message: 'a tag value must be a string, a list of strings, or { present: true }',
        },
      ]);
    }
    expect(refusal(file('    select: { tags: { d: { present: true, x: y } } }\n'))).toEqual([
      { path: 'policies.x.select.tags.d.x', message: 'unknown key' },
    ]);
  });
});
