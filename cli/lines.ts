/**
 * A destination for the handler's logger that hands each JSON line, parsed,
 * to `onLine`, and copies the raw line to `raw` when given.
 */
export function lineSink(
  onLine: (line: Record<string, unknown>) => void,
  raw?: NodeJS.WritableStream,
): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      raw?.write(chunk);
      for (const text of chunk.split('\n')) {
        if (text.trim()) onLine(JSON.parse(text) as Record<string, unknown>);
      }
    },
  };
}
