/**
 * Each field the function reads (test/conformance/fields.ts) must be a
 * field of Huawei's own model for that answer, declared with the type the
 * function expects: a field the official SDK does not have, or has with
 * another type, is one our readers should not rely on.
 */
import { describe, expect, it } from 'vitest';
import { ALL_SPECS } from './fields';
import { declaredType, expectedDeclaration } from './official';

describe('the fields the function reads, as the official models declare them', () => {
  for (const [name, spec] of Object.entries(ALL_SPECS)) {
    it(`${name} (${spec.model.name})`, () => {
      for (const [field, kind] of Object.entries(spec.fields)) {
        const declared = declaredType(spec, field) ?? 'not declared';
        expect(declared, `${spec.model.name}.${field}`).toMatch(expectedDeclaration(kind));
      }
    });
  }
});
