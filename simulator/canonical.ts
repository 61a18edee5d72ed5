/**
 * Canonical request of the SDK-HMAC-SHA256 scheme, built from a request as it
 * arrived on the wire.
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** RFC 3986 percent-encoding: unreserved characters kept, every other UTF-8 byte as %XX. */
export function rfc3986(value: string): string {
  let out = '';
  for (const ch of value) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/**
 * Each segment of the raw path encoded once more, plus a trailing slash. The
 * client encodes the path it sends (so `%` becomes `%25` here), which is what
 * the SDK signs.
 */
export function canonicalUri(rawPath: string): string {
  const encoded = rawPath.split('/').map(rfc3986).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Query pairs decoded from a raw query string; a bare key has the value ''. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [decodeComponent(key), decodeComponent(value)];
    });
}

/** Keys sorted; repeated keys give one `key=value` per value, values sorted. */
export function canonicalQuery(pairs: [string, string][]): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    const values = byKey.get(key) ?? [];
    values.push(value);
    byKey.set(key, values);
  }
  const out: string[] = [];
  for (const key of [...byKey.keys()].sort()) {
    for (const value of (byKey.get(key) ?? []).sort()) {
      out.push(`${rfc3986(key)}=${rfc3986(value)}`);
    }
  }
  return out.join('&');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacHex(key: string, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

export interface CanonicalParts {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Lowercase signed header names, in the order they are to be listed. */
  signedHeaders: string[];
  headerValue: (name: string) => string;
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalParts): string {
  const headers = parts.signedHeaders
    .map((name) => `${name}:${parts.headerValue(name)}\n`)
    .join('');
  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.rawPath),
    canonicalQuery(parseQuery(parts.rawQuery)),
    headers,
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return [ALGORITHM, sdkDate, sha256Hex(canonical)].join('\n');
}
