// table: the human report, laid out in the order people read it. First line: the verdict and
// the grade. Then what needs doing: the failing checks, the warnings, what could not be
// determined and the information, each check with its findings (what is wrong, then "fix:"
// what to do, then the evidence once: what repeats is left out, see evidence-dedup.ts).
// Passing checks fold into one line per area (all of them with --verbose). Last: the summary
// by area, the score, the failing checks by name and the top fixes by impact, so the end of
// the output is what to do. Every line fits the width (the terminal's; 80 when it is not a
// terminal), breaking between words. Remote text (records, banners, names) goes through
// sanitizeRemoteText first, so escape sequences never reach the terminal.
import { Chalk, type ChalkInstance } from 'chalk';
import { AREAS } from '../core/check.ts';
import type { CheckResult, Finding, Report, Status } from '../core/report-types.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import { areaTitle } from './areas.ts';
import { ShownText } from './evidence-dedup.ts';
import type { RenderOptions, Reporter } from './reporter.ts';
import { gradeText, reportScore } from './score-text.ts';
import { tableFooterLines } from './table-footer.ts';
import { topFixes } from './top-fixes.ts';
import { displayWidth, terminalWidth, wrapLine, wrapText } from './wrap-text.ts';

/** The table's own option: the width to lay out for (default: see terminalWidth). */
export interface TableRenderOptions extends RenderOptions {
  width?: number;
}

const SYMBOL: Record<Status, string> = { pass: '✔', info: 'ℹ', warn: '⚠', fail: '✖', error: '?', skipped: '-' };
/** evidence items shown per finding, and notes per check, without --verbose */
const EVIDENCE_LIMIT = 4;
const NOTE_LIMIT = 3;
const TOP_FIXES = 5;

/** Remote text made inert for a terminal, line by line (evidence such as an SPF tree spans lines). */
const clean = (text: string): string => text.split('\n').map((line) => sanitizeRemoteText(line)).join('\n');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function isNotSelected(check: CheckResult): boolean {
  return check.status === 'skipped' && /^(not selected|skipped by --skip)/.test(check.skippedReason ?? '');
}

/** A report's checks in reading order: by area as AREAS lists them, then as the report has them. */
function inAreaOrder(checks: readonly CheckResult[]): CheckResult[] {
  const rank = (area: string): number => {
    const i = (AREAS as readonly string[]).indexOf(area);
    return i < 0 ? AREAS.length : i;
  };
  return checks.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c.area) - rank(b.c.area) || a.i - b.i).map((x) => x.c);
}

class Layout {
  readonly lines: string[] = [];
  readonly shown = new ShownText();

  readonly chalk: ChalkInstance;
  readonly width: number;
  readonly verbose: boolean;

  constructor(chalk: ChalkInstance, width: number, verbose: boolean) {
    this.chalk = chalk;
    this.width = width;
    this.verbose = verbose;
  }

  paint(status: Status, text: string): string {
    const c = this.chalk;
    switch (status) {
      case 'pass': return c.green(text);
      case 'info': return c.cyan(text);
      case 'warn': return c.yellow(text);
      case 'fail': return c.red.bold(text);
      case 'error': return c.magenta(text);
      case 'skipped': return c.gray(text);
    }
  }

  blank(): void {
    if (this.lines.length > 0 && this.lines.at(-1) !== '') this.lines.push('');
  }

  /**
   * Wrapped text: `first` starts it, `next` each of its own following lines (default `rest`),
   * `rest` every wrapped continuation. Prefixes may be coloured; `paint` colours the text.
   */
  text(text: string, first: string, rest?: string, paint: (s: string) => string = (s) => s, next?: string): void {
    const restPrefix = rest ?? ' '.repeat(displayWidth(first));
    const nextPrefix = next ?? restPrefix;
    text.split('\n').forEach((line, i) => {
      const lead = i === 0 ? first : nextPrefix;
      const [leadBlank, restBlank] = [' '.repeat(displayWidth(lead)), ' '.repeat(displayWidth(restPrefix))];
      wrapLine(line, this.width, { first: leadBlank, rest: restBlank }).forEach((wrapped, j) => {
        const prefix = j === 0 ? lead : restPrefix;
        const body = wrapped.slice(j === 0 ? leadBlank.length : restBlank.length);
        this.lines.push(`${prefix}${body === '' ? '' : paint(body)}`.trimEnd());
      });
    });
  }

  heading(text: string): void {
    this.blank();
    this.text(text, '', '', (s) => this.chalk.bold.underline(s));
  }
}

/**
 * An SPF record and the caret line under it, cut at the same columns so the carets stay under
 * the terms they point at however narrow the line is.
 */
function caretPair(layout: Layout, record: string, carets: string, prefix: string): void {
  const room = Math.max(10, layout.width - displayWidth(prefix));
  const gray = (s: string): string => layout.chalk.gray(s);
  for (let at = 0; at < Math.max(record.length, 1); at += room) {
    layout.lines.push(`${prefix}${gray(record.slice(at, at + room))}`.trimEnd());
    const marks = carets.slice(at, at + room);
    if (marks.includes('^')) layout.lines.push(`${prefix}${gray(marks.trimEnd())}`);
  }
}

const isCaretLine = (text: string | undefined): boolean => text !== undefined && /^\s*\^[\s^]*$/.test(text);

function renderEvidence(layout: Layout, finding: Finding, indent: string): void {
  const bar = `${indent}${layout.chalk.gray('│')} `;
  const items = finding.evidence.map(clean);
  const context = [clean(finding.message), clean(finding.remediation ?? '')];
  let shown = 0;
  let hidden = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const caret = isCaretLine(items[i + 1]) ? items[i + 1]! : null;
    // a record with a caret line under it is shown with it, even when the record was seen before
    if (caret === null && !layout.shown.first(item, context)) continue;
    if (!layout.verbose && shown >= EVIDENCE_LIMIT) {
      hidden++;
      if (caret !== null) i++;
      continue;
    }
    shown++;
    if (caret !== null) {
      layout.shown.remember(item);
      caretPair(layout, item, caret, bar);
      i++;
      continue;
    }
    layout.text(item, bar, `${indent}${layout.chalk.gray('│')}   `, (s) => layout.chalk.gray(s), bar);
  }
  if (hidden > 0) layout.text(`… ${plural(hidden, 'more item')} (--verbose or --format json)`, bar, undefined, (s) => layout.chalk.gray(s));
}

function renderFinding(layout: Layout, finding: Finding): void {
  const c = layout.chalk;
  const subject = clean(finding.subject);
  const message = clean(finding.message);
  layout.shown.remember(message);
  layout.text(subject ? `${subject}: ${message}` : message, `    ${layout.paint(finding.severity, SYMBOL[finding.severity])} `, '      ');
  if (finding.remediation) layout.text(clean(finding.remediation), `      ${c.cyan('fix:')} `, '           ');
  renderEvidence(layout, finding, '      ');
}

function checkHeader(layout: Layout, check: CheckResult): void {
  const c = layout.chalk;
  const label = layout.paint(check.status, `${SYMBOL[check.status]} ${check.status.padEnd(7)}`);
  const id = `[${check.id}]`;
  const words = `${clean(check.title)} ${id}${check.fromZoneFile ? ' (zone file)' : ''}`;
  const pad = ' '.repeat(12);
  wrapLine(words, layout.width, { first: pad, rest: pad }).forEach((line, i) => {
    const text = line.slice(pad.length);
    const painted = text.split(id).map((part) => part.split(' (zone file)').map((p) => (p ? c.bold(p) : p)).join(c.gray(' (zone file)'))).join(c.gray(id));
    layout.lines.push(`${i === 0 ? `  ${label} ` : pad}${painted}`);
  });
}

function renderCheck(layout: Layout, check: CheckResult, next?: CheckResult): void {
  const c = layout.chalk;
  checkHeader(layout, check);
  if (check.status === 'skipped' && check.skippedReason) layout.text(clean(check.skippedReason), '    ', undefined, (s) => c.gray(s));
  // checks that could not tell for the same reason (one unreachable server) say it once, under the last
  const sameReason = next !== undefined && next.error === check.error && check.findings.length === 0 && !check.notes?.length;
  if (check.error && !sameReason) layout.text(clean(check.error), `    ${c.magenta('could not tell:')} `, '      ');
  for (const finding of check.findings) renderFinding(layout, finding);
  if (layout.verbose) {
    for (const f of check.ignoredFindings ?? []) {
      layout.text(`${f.code} ${clean(f.subject)}: ${clean(f.message)}`, `    ${c.gray(`ignored ${SYMBOL[f.severity]}`)} `, '      ', (s) => c.gray(s));
    }
  }
  const showNotes = layout.verbose || (check.status !== 'pass' && check.status !== 'skipped');
  const messages = check.findings.map((f) => clean(f.message));
  const notes = (showNotes ? (check.notes ?? []) : []).map(clean).filter((text) => layout.shown.first(text, messages));
  const shownNotes = layout.verbose ? notes : notes.slice(0, NOTE_LIMIT);
  for (const text of shownNotes) layout.text(text, '    ', '      ', (s) => c.gray(s));
  if (shownNotes.length < notes.length) layout.text(`… ${plural(notes.length - shownNotes.length, 'more note')} (--verbose or --format json)`, '    ', '      ', (s) => c.gray(s));
  if (layout.verbose && check.status !== 'skipped') layout.text(`reference: ${check.reference}`, '    ', '      ', (s) => c.gray(s));
}

function verdict(report: Report): { status: Status; word: string } {
  const s = report.summary;
  if (s.fail > 0) return { status: 'fail', word: 'FAIL' };
  if (s.error > 0) return { status: 'error', word: 'INCOMPLETE' };
  if (s.warn > 0) return { status: 'warn', word: 'WARN' };
  return { status: 'pass', word: 'PASS' };
}

function counts(report: Report, notSelected: number): string {
  const s = report.summary;
  const parts = [
    s.fail > 0 ? `${s.fail} failing` : '',
    s.warn > 0 ? plural(s.warn, 'warning') : '',
    s.error > 0 ? `${s.error} not determined` : '',
    s.info > 0 ? `${s.info} info` : '',
    s.pass > 0 || s.fail + s.warn + s.error + s.info === 0 ? `${s.pass} passing` : '',
    s.skipped - notSelected > 0 ? `${s.skipped - notSelected} not run` : '',
    notSelected > 0 ? `${notSelected} not selected` : '',
  ].filter((p) => p !== '');
  return parts.join(' · ');
}

function header(layout: Layout, report: Report, notSelected: number): void {
  const c = layout.chalk;
  const v = verdict(report);
  layout.text(`${clean(report.domain)}: ${v.word} · ${gradeText(report)}`, `${layout.paint(v.status, SYMBOL[v.status])} `, '  ', (s) => c.bold(s));
  layout.text(counts(report, notSelected), '  ');
  layout.text(`smtp-audit ${report.tool.version} · ${clean(report.domain)} · ${report.durationMs} ms · ${report.startedAt}`, '', '  ', (s) => c.gray(s));
}

function section(layout: Layout, title: string, checks: readonly CheckResult[]): void {
  if (checks.length === 0) return;
  layout.heading(`${title} (${checks.length})`);
  checks.forEach((check, i) => renderCheck(layout, check, checks[i + 1]));
}

/** Passing checks, one line per area: "✔ SPF: present, syntax, ...". */
function passingByArea(layout: Layout, passing: readonly CheckResult[]): void {
  if (passing.length === 0) return;
  layout.heading(`Passing (${passing.length})`);
  const areas = [...new Set(passing.map((c) => c.area))];
  for (const area of areas) {
    const names = passing.filter((c) => c.area === area).map((c) => (c.id.startsWith(`${area}/`) ? c.id.slice(area.length + 1) : c.id));
    layout.text(`${areaTitle(area)}: ${names.join(', ')}`, `  ${layout.paint('pass', SYMBOL.pass)} `, '      ');
  }
}

/** Checks that did not apply, one line per reason: "- smtp/banner, tls/starttls: the domain publishes a null MX". */
function notRun(layout: Layout, skipped: readonly CheckResult[]): void {
  if (skipped.length === 0) return;
  layout.heading(`Not run (${skipped.length})`);
  const reasons = [...new Set(skipped.map((c) => c.skippedReason ?? 'skipped'))];
  for (const reason of reasons) {
    const ids = skipped.filter((c) => (c.skippedReason ?? 'skipped') === reason).map((c) => c.id);
    layout.text(`${ids.join(', ')}: ${clean(reason)}`, `  ${layout.paint('skipped', SYMBOL.skipped)} `, '    ', (s) => layout.chalk.gray(s));
  }
}

const TABLE_STATUSES: Status[] = ['pass', 'info', 'warn', 'fail', 'error'];

/**
 * Areas by status, with the area score: aligned columns, a rule above the total, no borders.
 * Areas are named in full when that fits the width, by id when only that fits, and listed one
 * a line ("mx 50: 1 pass, 1 fail") on a screen too narrow for columns.
 */
function summaryTable(layout: Layout, report: Report): void {
  const c = layout.chalk;
  const score = reportScore(report);
  const ran = report.checks.filter((check) => check.status !== 'skipped');
  const known = AREAS.filter((a) => ran.some((check) => check.area === a)) as string[];
  const areas = [...known, ...[...new Set(ran.map((check) => check.area))].filter((a) => !known.includes(a))];
  if (areas.length === 0) return;
  const rows = areas.map((area) => {
    const checks = ran.filter((check) => check.area === area);
    return { area, title: areaTitle(area), score: score?.areas[area] !== undefined ? String(score.areas[area]) : '—', counts: TABLE_STATUSES.map((s) => checks.filter((check) => check.status === s).length) };
  });
  rows.push({ area: 'all', title: 'all', score: score ? String(score.total) : '—', counts: TABLE_STATUSES.map((s) => report.summary[s]) });
  const cell = (text: string, width: number): string => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
  const tableWidth = (names: number): number => names + 2 + 5 + 2 + TABLE_STATUSES.length * 6 - 1;
  const byTitle = Math.max(4, ...rows.map((r) => displayWidth(r.title)));
  const byId = Math.max(4, ...rows.map((r) => displayWidth(r.area)));
  layout.blank();
  if (tableWidth(byId) > layout.width) {
    for (const row of rows) {
      const counts = row.counts.map((n, j) => (n === 0 ? '' : `${n} ${TABLE_STATUSES[j]}`)).filter((x) => x !== '').join(', ');
      layout.text(`${row.area} ${row.score}: ${counts}`, '', '  ');
    }
    return;
  }
  const useTitles = tableWidth(byTitle) <= layout.width;
  const nameWidth = useTitles ? byTitle : byId;
  const name = (row: (typeof rows)[number]): string => (useTitles ? row.title : row.area);
  layout.lines.push(c.bold(`${'area'.padEnd(nameWidth)}  score  ${TABLE_STATUSES.map((s) => cell(s, 5)).join(' ')}`));
  rows.forEach((row, i) => {
    if (i === rows.length - 1) layout.lines.push(c.gray('─'.repeat(tableWidth(nameWidth))));
    const counts = row.counts.map((n, j) => (n === 0 ? c.gray(cell('·', 5)) : layout.paint(TABLE_STATUSES[j]!, cell(String(n), 5))));
    layout.lines.push(`${name(row)}${' '.repeat(nameWidth - displayWidth(name(row)))}  ${cell(row.score, 5)}  ${counts.join(' ')}`);
  });
}

/** The end of the report: the failing checks by name, then what to fix first. */
function closing(layout: Layout, report: Report, checks: readonly CheckResult[]): void {
  const c = layout.chalk;
  const failing = checks.filter((check) => check.status === 'fail').map((check) => check.id);
  const undetermined = checks.filter((check) => check.status === 'error').map((check) => check.id);
  layout.blank();
  if (failing.length > 0) layout.text(failing.join(', '), `${layout.paint('fail', `Failing (${failing.length}):`)} `, '  ');
  if (undetermined.length > 0) layout.text(`${undetermined.join(', ')} (run again, or see why above)`, `${layout.paint('error', `Not determined (${undetermined.length}):`)} `, '  ');
  const fixes = topFixes(report, TOP_FIXES);
  if (fixes.length === 0) {
    if (failing.length === 0 && undetermined.length === 0) layout.text('Nothing to fix: no check fails or warns.', '', '  ', (s) => c.green(s));
    return;
  }
  layout.text(`Fix first (${fixes.length === 1 ? 'the one change' : `the ${fixes.length} changes`} that raise the score most):`, '', '  ', (s) => c.bold(s));
  fixes.forEach((fix, i) => {
    const number = `${i + 1}.`;
    const more = fix.more > 0 ? ` (${plural(fix.more, 'more fix', 'more fixes')} above)` : '';
    layout.text(`${fix.check.id}: ${clean(fix.finding.remediation!)}${more}`, `  ${layout.paint(fix.check.status, number)} `, '     ');
  });
}

export function renderTableReport(report: Report, options: TableRenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const layout = new Layout(chalk, options.width ?? terminalWidth(process.stdout), options.verbose);
  const checks = inAreaOrder(report.checks);
  const notSelected = checks.filter(isNotSelected).length;
  header(layout, report, notSelected);
  section(layout, 'Failing', checks.filter((c) => c.status === 'fail'));
  section(layout, 'Warnings', checks.filter((c) => c.status === 'warn'));
  section(layout, 'Could not determine', checks.filter((c) => c.status === 'error'));
  section(layout, 'Information', checks.filter((c) => c.status === 'info'));
  const passing = checks.filter((c) => c.status === 'pass');
  if (options.verbose) section(layout, 'Passing', passing);
  else passingByArea(layout, passing);
  notRun(layout, checks.filter((c) => c.status === 'skipped' && !isNotSelected(c)));
  summaryTable(layout, report);
  for (const line of tableFooterLines(report)) layout.text(line, '', '  ', (s) => chalk.bold(s));
  closing(layout, report, checks);
  return `${layout.lines.join('\n')}\n`;
}

export const tableReporter: Reporter = {
  name: 'table',
  render(reports, options) {
    return reports.map((r) => renderTableReport(r, options)).join('\n');
  },
};
