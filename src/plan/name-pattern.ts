/**
 * `select.names` patterns: letters, digits, `- _ .` and the wildcards `*`
 * (any run of characters, the empty one included) and `?` (exactly one).
 * The policy loader admits nothing else (src/policy/selector.ts), so there
 * is no bracket, brace, negation or path separator to give a meaning to.
 */
export function namePattern(pattern: string): (name: string) => boolean {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.\-\\^$+()[\]{}|/]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, 's');
  return (name) => re.test(name);
}
