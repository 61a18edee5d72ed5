import type { OutcomeRecord, RunSummary } from '../src/report/records';

type Line = OutcomeRecord | RunSummary | { kind: string };

/** A plain-text table of the outcome records, then one line per summary. */
export function printTable(lines: readonly Line[], out: NodeJS.WritableStream): void {
  const rows = lines.filter((l): l is OutcomeRecord => l.kind === 'outcome');
  const head = ['policy', 'instance', 'status', 'outcome', 'reason'];
  const cells = rows.map((r) => [
    r.policy,
    r.instanceName || r.instanceId,
    r.status,
    r.outcome,
    r.reason ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const fmt = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  out.write(`\n${fmt(head)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const c of cells) out.write(`${fmt(c)}\n`);
  out.write('\n');
  for (const s of lines.filter((l): l is RunSummary => l.kind === 'summary')) {
    out.write(
      `${s.policy}: ${s.dryRun ? 'dry run, ' : ''}listed ${s.listed}, matched ${s.matched}, succeeded ${s.succeeded}, failed ${s.failed}, skipped ${s.skipped}${s.refused ? ', REFUSED' : ''} (${s.durationMs} ms)\n`,
    );
  }
}
