import type { OutcomeRecord, RunSummary, TotalSummary } from '../src/report/records';

type Line = OutcomeRecord | RunSummary | TotalSummary | { kind: string };

/** A plain-text table of the outcome records, then one line per summary. */
export function printTable(lines: readonly Line[], out: NodeJS.WritableStream): void {
  const rows = lines.filter((l): l is OutcomeRecord => l.kind === 'outcome');
  // With `targets`, a column for the region and project of each instance;
  // across accounts, one for the account too.
  const targeted = rows.some((r) => r.region !== undefined);
  const accounts = rows.some((r) => r.account !== undefined);
  const head = [
    'policy',
    ...(accounts ? ['account'] : []),
    ...(targeted ? ['target'] : []),
    'instance',
    'status',
    'outcome',
    'reason',
  ];
  const cells = rows.map((r) => [
    r.policy,
    ...(accounts ? [r.account ?? ''] : []),
    ...(targeted ? [r.region ? `${r.region}/${r.projectId}` : ''] : []),
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
  if (cells.length > 0) {
    out.write(`\n${fmt(head)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n`);
    for (const c of cells) out.write(`${fmt(c)}\n`);
  }
  out.write('\n');
  for (const s of lines.filter(
    (l): l is RunSummary | TotalSummary => l.kind === 'summary' || l.kind === 'total',
  )) {
    const on =
      s.kind === 'total'
        ? ` total of ${s.targets.length} target${s.targets.length === 1 ? '' : 's'} (${s.targetsFailed} did not succeed)${s.accounts ? ` in ${s.accounts.length} account${s.accounts.length === 1 ? '' : 's'} (${s.accountsFailed} did not succeed)` : ''}`
        : s.region
          ? ` ${s.account ? `${s.account}/` : ''}${s.region}/${s.projectId}`
          : '';
    out.write(
      `${s.policy}${on}: ${s.dryRun ? 'dry run, ' : ''}listed ${s.listed}, matched ${s.matched}, ${s.dryRun ? `would ${s.action} ${s.succeeded}` : `succeeded ${s.succeeded}`}, failed ${s.failed}, skipped ${s.skipped}${s.refused ? ', REFUSED' : ''} (${s.durationMs} ms)\n`,
    );
    if (s.kind === 'summary') for (const h of s.noMatch ?? []) out.write(`  no match: ${h}\n`);
    if (s.kind === 'total') {
      for (const a of s.accounts ?? []) {
        out.write(
          `  account ${a.account}: ${a.verdict}, ${a.targets} target${a.targets === 1 ? '' : 's'}, listed ${a.listed}, matched ${a.matched}, ${s.dryRun ? `would ${s.action}` : 'succeeded'} ${a.succeeded}, failed ${a.failed}, skipped ${a.skipped}${a.reason ? ` (${a.reason})` : ''}\n`,
        );
      }
    }
  }
}
