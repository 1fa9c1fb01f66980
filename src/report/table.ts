// table: the human report. Grouped by area, a symbol and colour per status, each finding
// with its subject, remediation and evidence, then a summary table and line. Every string
// that may come from a remote server (records, banners, names) is passed through
// sanitizeRemoteText before it is printed, so escape sequences never reach the terminal.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { AREAS } from '../core/check.ts';
import type { CheckResult, Report, Status } from '../core/report-types.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { RenderOptions, Reporter } from './reporter.ts';
import { areaTitle } from './areas.ts';
import { tableFooterLines } from './table-footer.ts';

const SYMBOL: Record<Status, string> = { pass: '✔', info: 'ℹ', warn: '⚠', fail: '✖', error: '?', skipped: '-' };

function paint(chalk: ChalkInstance, status: Status, text: string): string {
  switch (status) {
    case 'pass': return chalk.green(text);
    case 'info': return chalk.cyan(text);
    case 'warn': return chalk.yellow(text);
    case 'fail': return chalk.red.bold(text);
    case 'error': return chalk.magenta(text);
    case 'skipped': return chalk.gray(text);
  }
}


const clean = (text: string): string => sanitizeRemoteText(text);

function isNotSelected(check: CheckResult): boolean {
  return check.status === 'skipped' && /^(not selected|skipped by --skip)/.test(check.skippedReason ?? '');
}

function renderCheck(check: CheckResult, chalk: ChalkInstance, verbose: boolean): string[] {
  const lines: string[] = [];
  const label = paint(chalk, check.status, `${SYMBOL[check.status]} ${check.status.padEnd(7)}`);
  lines.push(`  ${label} ${chalk.bold(check.title)} ${chalk.gray(`[${check.id}]`)}`);
  const pad = '            ';
  if (check.status === 'skipped' && check.skippedReason) lines.push(`${pad}${chalk.gray(clean(check.skippedReason))}`);
  if (check.error) lines.push(`${pad}${chalk.magenta('could not tell: ')}${clean(check.error)}`);
  for (const finding of check.findings) {
    lines.push(`${pad}${paint(chalk, finding.severity, SYMBOL[finding.severity])} ${chalk.bold(clean(finding.subject))}: ${clean(finding.message)}`);
    if (finding.remediation) lines.push(`${pad}  ${chalk.cyan('fix:')} ${clean(finding.remediation)}`);
    const evidence = verbose ? finding.evidence : finding.evidence.slice(0, 12);
    for (const item of evidence) {
      for (const line of item.split('\n')) lines.push(`${pad}  ${chalk.gray('│')} ${chalk.gray(clean(line))}`);
    }
    if (evidence.length < finding.evidence.length) lines.push(`${pad}  ${chalk.gray(`│ … ${finding.evidence.length - evidence.length} more (--verbose or --format json)`)}`);
  }
  if (check.notes && (verbose || check.status !== 'skipped')) {
    for (const note of check.notes) for (const line of note.split('\n')) lines.push(`${pad}${chalk.gray(clean(line))}`);
  }
  if (verbose && check.status !== 'skipped') lines.push(`${pad}${chalk.gray(`reference: ${check.reference}`)}`);
  return lines;
}

function summaryTable(report: Report, color: boolean, chalk: ChalkInstance): string {
  const statuses: Status[] = ['pass', 'info', 'warn', 'fail', 'error'];
  const table = new Table({
    head: ['area', ...statuses.map((s) => paint(chalk, s, s))],
    style: color ? { head: [], border: ['gray'] } : { head: [], border: [] },
  });
  for (const area of AREAS) {
    const checks = report.checks.filter((c) => c.area === area && c.status !== 'skipped');
    if (checks.length === 0) continue;
    table.push([area, ...statuses.map((s) => {
      const n = checks.filter((c) => c.status === s).length;
      return n === 0 ? chalk.gray('·') : paint(chalk, s, String(n));
    })]);
  }
  return table.toString();
}

export function renderTableReport(report: Report, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  out.push(chalk.bold(`smtp-audit ${report.tool.version} · ${clean(report.domain)}`) + chalk.gray(` · ${report.durationMs} ms · ${report.startedAt}`));
  let hidden = 0;
  for (const area of AREAS) {
    const checks = report.checks.filter((c) => c.area === area);
    const shown = checks.filter((c) => !isNotSelected(c));
    hidden += checks.length - shown.length;
    if (shown.length === 0) continue;
    out.push('');
    out.push(chalk.underline(areaTitle(area)));
    for (const check of shown) out.push(...renderCheck(check, chalk, options.verbose));
  }
  out.push('');
  out.push(summaryTable(report, options.color, chalk));
  const s = report.summary;
  const parts = (['pass', 'info', 'warn', 'fail', 'error', 'skipped'] as Status[]).map((st) => paint(chalk, st, `${s[st]} ${st}`));
  out.push(`${chalk.bold('Summary:')} ${parts.join(chalk.gray(' · '))}${hidden > 0 ? chalk.gray(` (${hidden} not selected)`) : ''}`);
  for (const line of tableFooterLines(report)) out.push(chalk.bold(line));
  return `${out.join('\n')}\n`;
}

export const tableReporter: Reporter = {
  name: 'table',
  render(reports, options) {
    return reports.map((r) => renderTableReport(r, options)).join('\n');
  },
};
