/**
 * `fleet --record --hash-ids` and `--hash-names`: stable stand-ins for ids and
 * names. The same id always gives the same stand-in, in every file and in
 * every recording, so two recordings of one fleet still line up; whoever
 * already knows an id can tell whether it is in a recording, and nobody can
 * read an id back from its stand-in.
 */
import { createHash } from 'node:crypto';

const HEX = '0123456789abcdef';

/** Hex digits of SHA-256 over `text`, as many as asked for. */
function digits(text: string, count: number): string {
  let out = '';
  for (let round = 0; out.length < count; round++) {
    out += createHash('sha256').update(`dms-kafka-maintenance ${round} ${text}`).digest('hex');
  }
  return out.slice(0, count);
}

/**
 * An id's stand-in in the id's own shape: each hexadecimal digit is a
 * hexadecimal digit again, each other letter a letter, in the same case;
 * `-`, `_` and `.` stay where they are. A UUID stays a UUID and a project id
 * 32 hexadecimal digits, so whatever reads ids reads the stand-ins alike.
 */
export function hashId(id: string): string {
  const d = digits(`id ${id}`, id.length);
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const c = id.charAt(i);
    const h = d.charAt(i);
    const n = HEX.indexOf(h);
    if (/[0-9a-f]/.test(c)) out += h;
    else if (/[A-F]/.test(c)) out += h.toUpperCase();
    else if (/[g-z]/.test(c)) out += String.fromCharCode(103 + (n % 20));
    else if (/[G-Z]/.test(c)) out += String.fromCharCode(71 + (n % 20));
    else out += c;
  }
  return out;
}

/** A name's stand-in: `name-` and 12 hexadecimal digits, valid as an instance or topic name. */
export function hashName(name: string): string {
  return `name-${digits(`name ${name}`, 12)}`;
}

/** The keys whose text values are ids: `instance_id`, `vpc_id`, `user_id`... but not `broker_id`. */
export function isIdKey(key: string): boolean {
  return key.endsWith('_id') && key !== 'broker_id';
}

/**
 * Ids shorter than this are left as they are: `"0"`, the default enterprise
 * project, is everyone's, and short text would be found inside other text.
 */
export const MIN_ID_LENGTH = 8;

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every id in `ids` wherever it occurs in a text, inside other text
 * too (a path, a message), each by its stand-in. Throws if two ids would
 * share one stand-in, which would merge two instances.
 */
export function idReplacer(ids: Iterable<string>): (text: string) => string {
  const map = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const id of ids) {
    if (id.length < MIN_ID_LENGTH || map.has(id)) continue;
    const h = hashId(id);
    const other = taken.get(h);
    if (other !== undefined && other !== id) {
      throw new Error(`two ids hash alike (${h}); record without --hash-ids`);
    }
    taken.set(h, id);
    map.set(id, h);
  }
  if (map.size === 0) return (text) => text;
  // Longest first, so an id that holds another goes whole.
  const alternatives = [...map.keys()].sort((a, b) => b.length - a.length).map(literal);
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, (id) => map.get(id) ?? id);
}
