/**
 * The text of a failure notification, built from what the run logged. Pure:
 * no clock, no network. Every piece of text that did not come from this file
 * goes through the scrubber first.
 */
import type { Scrub } from '../cloud/scrub';
import { Outcome, type OutcomeRecord, type RunSummary, type TotalSummary } from '../report/records';
import { DEADLINE } from '../report/report';

/** SMN's limits: the subject in bytes, the message in bytes of UTF-8. */
export const MAX_SUBJECT_BYTES = 512;
export const MAX_MESSAGE_BYTES = 256 * 1024;
const PRODUCT = 'dms-kafka-maintenance';
const ELLIPSIS = '…';

/** What a notification is made of. */
export interface FailedInvocation {
  /** The message the invocation rejects with. */
  error: string;
  invocationId: string;
  platform: 'functiongraph' | 'lambda' | 'local';
  /** The run's summary; absent when the invocation failed before a run started. */
  summary: RunSummary | undefined;
  /** With `targets`: the invocation's total, which then stands for the summary. */
  total?: TotalSummary | undefined;
  /** Every outcome record the run logged. */
  records: readonly OutcomeRecord[];
}

/** What is published: SMN's `subject` and `message`. */
export interface Notification {
  subject: string;
  message: string;
}

/** Byte limits, SMN's by default; smaller in tests. */
export interface MessageLimits {
  subjectBytes?: number;
  messageBytes?: number;
}

/**
 * Subject and message for a failed, refused or incomplete invocation: the
 * policy, the counts, each failed, refused or unreached instance with its
 * name, id and reason, and where the full records are. The subject is cut
 * to 512 bytes, the message to 256 KB, on UTF-8 character boundaries; when
 * the instances do not all fit, the list ends with how many were left out.
 *
 * @example buildNotification(failed, createScrubber([ak, sk, token], 1000))
 */
export function buildNotification(
  f: FailedInvocation,
  scrub: Scrub,
  limits: MessageLimits = {},
): Notification {
  const subjectBytes = limits.subjectBytes ?? MAX_SUBJECT_BYTES;
  const messageBytes = limits.messageBytes ?? MAX_MESSAGE_BYTES;
  const errorLines = f.error
    .split('\n')
    .map((l) => scrub(l).trim())
    .filter(Boolean);
  const run = f.total ?? f.summary;
  const headline = headlineOf(run, errorLines[0] ?? 'failed', scrub);
  const subject = cutUtf8(scrub(`${PRODUCT}: ${headline}`), subjectBytes);

  const head = [`${PRODUCT}: ${headline}`, ''];
  if (f.total) {
    head.push(...describeTotal(f.total, scrub));
  } else if (f.summary) {
    head.push(...describeRun(f.summary, scrub));
  } else {
    head.push('The invocation failed before a run started; no instance was touched.');
    head.push(...errorLines.slice(1).map((l) => `  ${l}`));
  }
  head.push(`Invocation: ${scrub(f.invocationId)} (${f.platform})`, '');
  const foot = ['', whereTheRecordsAre(f, scrub)];

  const groups = instanceGroups(f.records, scrub);
  const budget = messageBytes - bytes(join([...head, ...foot]));
  const body = fitLines(groups, budget);
  return { subject, message: cutUtf8(join([...head, ...body, ...foot]), messageBytes) };
}

function headlineOf(summary: { policy: string } | undefined, first: string, scrub: Scrub): string {
  const line = first.replace(/:$/, '');
  if (!summary) return line;
  const prefix = `policy ${scrub(summary.policy)}`;
  return line.startsWith(prefix) ? line : `${prefix}: stopped: ${line}`;
}

function describeRun(s: RunSummary, scrub: Scrub): string[] {
  const lines = [
    `Policy: ${scrub(s.policy)} (${s.action}, ${s.dryRun ? 'dry run' : 'live'}${s.mode ? `, ${s.mode}` : ''})`,
    `Counts: listed ${s.listed}, matched ${s.matched}, succeeded ${s.succeeded}, failed ${s.failed}, skipped ${s.skipped}, not reached ${s.notReached}, refused ${s.refused ? 'yes' : 'no'}`,
  ];
  if (s.error) lines.push(`Stopped on: ${scrub(s.error)}`);
  return lines;
}

function describeTotal(t: TotalSummary, scrub: Scrub): string[] {
  const lines = [
    `Policy: ${scrub(t.policy)} (${t.action}, ${t.dryRun ? 'dry run' : 'live'}), ${t.targets.length} targets, ${t.targetsFailed} did not succeed`,
    `Counts, all targets: listed ${t.listed}, matched ${t.matched}, succeeded ${t.succeeded}, failed ${t.failed}, skipped ${t.skipped}, not reached ${t.notReached}, refused ${t.refused ? 'yes' : 'no'}`,
    'Targets:',
  ];
  for (const r of t.targets) {
    const why = r.reason ? `: ${r.reason}` : '';
    const account = r.account ? `${r.account}/` : '';
    lines.push(scrub(`- ${account}${r.region}/${r.projectId}: ${r.verdict}${why}`));
  }
  if (t.accounts) {
    lines.push(`Accounts: ${t.accounts.length}, ${t.accountsFailed ?? 0} did not succeed`);
    for (const a of t.accounts) {
      const why = a.reason ? `: ${a.reason}` : '';
      lines.push(scrub(`- ${a.account} (${a.domainId ?? 'own account'}): ${a.verdict}${why}`));
    }
  }
  return lines;
}

const GROUPS: Array<{ title: string; pick: (r: OutcomeRecord) => boolean }> = [
  { title: 'Failed', pick: (r) => r.outcome === Outcome.Failed },
  { title: 'Refused', pick: (r) => r.outcome === Outcome.Refused },
  {
    title: 'Deleted by all_failure without being planned',
    pick: (r) => r.outcome === Outcome.DeletedUnplanned,
  },
  {
    title: 'Not reached before the deadline',
    pick: (r) => r.outcome === Outcome.Skipped && r.reason === DEADLINE,
  },
];

/** Each group as a title line and one line per instance. */
function instanceGroups(records: readonly OutcomeRecord[], scrub: Scrub): string[][] {
  const out: string[][] = [];
  for (const g of GROUPS) {
    const picked = records.filter(g.pick);
    if (picked.length === 0) continue;
    out.push([
      `${g.title} (${picked.length}):`,
      ...picked.map((r) => `- ${instanceLine(r, scrub)}`),
    ]);
  }
  return out;
}

function instanceLine(r: OutcomeRecord, scrub: Scrub): string {
  const reason = r.reason && r.reason !== DEADLINE ? `: ${r.reason}` : '';
  // A DMS error's reason often names its code and request id already.
  const extra = [r.errorCode, r.requestId && `request id ${r.requestId}`].filter(
    (x): x is string => Boolean(x) && !reason.includes(x as string),
  );
  const tail = extra.length > 0 ? ` [${extra.join(', ')}]` : '';
  const target = r.region && r.projectId ? `${r.region}/${r.projectId}: ` : '';
  return scrub(
    `${target}${r.instanceName} (id ${r.instanceId}, status ${r.status})${reason}${tail}`,
  );
}

/** The group lines that fit in `budget` bytes; a cut group ends with how many were left out. */
function fitLines(groups: string[][], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  const push = (line: string) => {
    out.push(line);
    used += bytes(line) + 1;
  };
  const room = (line: string, reserve: number) => used + bytes(line) + 1 + reserve <= budget;
  const more = (n: number) => `- … and ${n} more; see the log`;
  for (const [i, [title = '', ...items]] of groups.entries()) {
    // Always keep room for the line that says how many were left out.
    const reserve = bytes(more(items.length)) + 1;
    if (!room(title, reserve + (i > 0 ? 1 : 0))) break;
    if (i > 0) push('');
    push(title);
    for (const [j, item] of items.entries()) {
      if (!room(item, reserve)) {
        push(more(items.length - j));
        break;
      }
      push(item);
    }
  }
  return out;
}

function whereTheRecordsAre(f: FailedInvocation, scrub: Scrub): string {
  const id = scrub(f.invocationId);
  const where =
    f.platform === 'functiongraph'
      ? "the function's log group in LTS (FunctionGraph: the function's Monitoring > Logs)"
      : f.platform === 'lambda'
        ? "the function's CloudWatch Logs log group"
        : 'the output of this run';
  const lines = f.total
    ? 'one JSON line per instance (kind "outcome"), one summary per target (kind "summary") and the total (kind "total")'
    : f.summary
      ? 'one JSON line per instance (kind "outcome") and the summary (kind "summary")'
      : 'the error line (kind "error")';
  return `Full records: ${lines} in ${where}, invocation id ${id}.`;
}

function join(lines: readonly string[]): string {
  return lines.join('\n');
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `text` in at most `maxBytes` bytes of UTF-8, cut on a character boundary
 * and ended with `…` when cut. Never splits a character or a surrogate pair.
 *
 * @example cutUtf8('ééé', 5) // 'é…' (2 + 3 bytes)
 */
export function cutUtf8(text: string, maxBytes: number): string {
  if (bytes(text) <= maxBytes) return text;
  const room = maxBytes - bytes(ELLIPSIS);
  if (room <= 0) return '';
  let used = 0;
  let end = 0;
  // for..of walks code points, so a surrogate pair is taken whole or not at all.
  for (const ch of text) {
    const n = bytes(ch);
    if (used + n > room) break;
    used += n;
    end += ch.length;
  }
  return `${text.slice(0, end)}${ELLIPSIS}`;
}
