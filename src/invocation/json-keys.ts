/**
 * The first key that an object in this JSON text holds twice, with the path
 * of its object, or undefined. `JSON.parse` keeps the last of two equal
 * keys without a word; in a request, that can turn a dry run into a live
 * one. The text must already be valid JSON (call after `JSON.parse`).
 *
 * @example duplicateKey('{"policy":"a","policy":"b"}') // { key: 'policy', path: [] }
 */
export function duplicateKey(text: string): { key: string; path: string[] } | undefined {
  // One frame per open object or array: an object's keys so far, and whether a key comes next.
  const stack: Array<{ keys: Set<string>; expectKey: boolean; key?: string } | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, path: pathOf(stack) };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top) top.expectKey = true;
  }
  return undefined;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

/** The keys leading to the innermost open object; arrays are not named. */
function pathOf(stack: ReadonlyArray<{ key?: string } | null>): string[] {
  const out: string[] = [];
  for (let k = 0; k < stack.length - 1; k++) {
    const key = stack[k]?.key;
    if (key !== undefined) out.push(key);
  }
  return out;
}
