/** Parsing of JSON request bodies into DMS-style 400 answers. */
import { dms } from './errors';
import type { Reply } from './reply';

export type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; reply: Reply };

/** The body as a JSON object, or the 400 DMS gives for an empty or non-JSON body. */
export function parseObjectBody(raw: Buffer): Parsed {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { ok: false, reply: dms.emptyBody() };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reply: dms.notJson() };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reply: dms.notJson() };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
