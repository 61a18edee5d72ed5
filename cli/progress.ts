/**
 * Turns the handler's JSON lines into short progress lines for a person:
 * each write call as it starts, each outcome as it is known, with a count of
 * what is done, numbered across every policy of the command. Progress goes
 * to stderr, never into the JSON on stdout.
 */
export function progressWriter(
  out: NodeJS.WritableStream,
): (line: Record<string, unknown>) => void {
  let done = 0;
  return (l) => {
    if (l.kind === 'action') {
      const names = (l.instances as Array<{ id: string; name: string }>).map((i) => i.name || i.id);
      out.write(`${l.operation} (attempt ${l.attempt}): ${names.join(', ')}\n`);
    } else if (l.kind === 'wave') {
      const names = (l.instances as Array<{ id: string; name: string }> | undefined) ?? [];
      const which = l.wave === 0 ? 'restarts from earlier runs' : `wave ${String(l.wave)}`;
      out.write(
        `${which} ${String(l.event)}: ${names.map((i) => i.name || i.id).join(', ')} (done ${String(l.done)}, remaining ${String(l.remaining)})\n`,
      );
    } else if (l.kind === 'outcome') {
      done++;
      const why = l.reason ? ` (${l.reason})` : '';
      out.write(`  ${done}. ${String(l.instanceName || l.instanceId)}: ${l.outcome}${why}\n`);
    } else if (l.kind === 'retry') {
      out.write(`  retrying ${l.operation}: ${l.reason}\n`);
    } else if (l.kind === 'warning') {
      out.write(`  warning: ${l.message}\n`);
    }
  };
}
