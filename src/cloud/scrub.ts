/**
 * Cleans text that came from the network (error codes and messages, request
 * ids, transport errors) before anything records it. A proxy or a backend
 * that echoes the request would otherwise put the signed Authorization header
 * and the security token into our logs and errors.
 */
export type Scrub = (text: string) => string;

/** Longest server-supplied text kept, in UTF-16 units, before the marker. */
export const MAX_SERVER_TEXT = 500;
export const REDACTED = '[redacted]';
export const TRUNCATED = '…[truncated]';

// A header name, its separator and its value, in the shapes an echo takes:
// `Authorization: v`, `X-Security-Token=v`, `"authorization":"v"`, and the
// same JSON once more escaped. The value runs to the end of the line or the
// next quote, since an Authorization value holds spaces and commas.
const HEADER_PAIR =
  /(?:authorization|x-security-token|x-auth-token)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?[^\r\n"'\\]*/gi;
// The Authorization value on its own, and its parts.
const SIGNED_AUTH = /SDK-HMAC-SHA256[^\r\n"'\\]*/gi;
const AUTH_PARTS = /\b(?:Access|Signature)=[^\s,;"'&\\]*/gi;
// C0 and C1 controls and Unicode line breaks: one line per message.
const CONTROLS = /[\p{Cc}\u2028\u2029]+/gu;
// Text none of the patterns above can change: no quote, `:`, `=`, space
// or control character, and no signed Authorization value.
const PLAIN = /^[A-Za-z0-9._-]*$/;
const SIGNED_AUTH_START = /SDK-HMAC-SHA256/i;

/**
 * A scrubber that removes `secrets` (and their URL- and JSON-escaped forms),
 * anything shaped like a signed Authorization header or a security token
 * header, turns control characters into spaces and caps the length.
 *
 * @example
 * const scrub = createScrubber([ak, sk, token]);
 * scrub(`denied: Authorization: SDK-HMAC-SHA256 Access=${ak}, Signature=9f`); // 'denied: [redacted]'
 */
export function createScrubber(
  secrets: Iterable<string | undefined>,
  maxLength = MAX_SERVER_TEXT,
): Scrub {
  const redact = createRedactor(secrets);
  const ordered = redact.literals;
  return (text) => {
    // Most text is an instance name or a status: handed back as it is when
    // nothing below would change it, which saves a listing of 1,000
    // instances some 2,000 rounds of replacing.
    if (text.length <= maxLength && PLAIN.test(text) && !SIGNED_AUTH_START.test(text)) {
      let secretIn = false;
      for (let i = 0; i < ordered.length && !secretIn; i++) {
        secretIn = text.includes(ordered[i] as string);
      }
      if (!secretIn) return text;
    }
    return truncate(redact(text).replace(CONTROLS, ' '), maxLength);
  };
}

/** A {@link Scrub} that only redacts, and the secrets' literal forms it looks for, longest first. */
export type Redact = Scrub & { readonly literals: readonly string[] };

/**
 * Removes `secrets` (and their URL- and JSON-escaped forms) and anything
 * shaped like a signed Authorization header or a security token header,
 * and changes nothing else: no control character, no length. For text that
 * is kept as it came, such as a recorded answer (`fleet --record`).
 */
export function createRedactor(secrets: Iterable<string | undefined>): Redact {
  const literals = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    literals.add(s);
    literals.add(encodeURIComponent(s));
    literals.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a secret that contains another goes whole.
  const ordered = [...literals].sort((a, b) => b.length - a.length);
  const redact = (text: string) => {
    let out = text
      .replace(HEADER_PAIR, REDACTED)
      .replace(SIGNED_AUTH, REDACTED)
      .replace(AUTH_PARTS, REDACTED);
    for (const secret of ordered) out = out.split(secret).join(REDACTED);
    return out;
  };
  return Object.assign(redact, { literals: ordered });
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not split a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}${TRUNCATED}`;
}
