// `smtp-audit merge --format summary`: what a bulk run found, in a page, whatever the number
// of targets. It streams: each report adds to counters (per exit outcome, per grade, per check
// and status, per finding code) and is dropped, so 10^6 reports take the memory of one.
import type { FailOn } from '../core/exit-code.ts';
import { exitCodeFor } from '../core/exit-code.ts';
import { STATUSES, type Report, type Status } from '../core/report-types.ts';
import type { Reporter, ReportStream } from '../report/reporter.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';

/** Finding codes listed, most frequent first. */
const TOP_FINDINGS = 15;

const count = (n: number): string => n.toLocaleString('en-US');

class SummaryTally {
  reports = 0;
  readonly outcomes = { clean: 0, failing: 0, incomplete: 0 };
  readonly grades = new Map<string, number>();
  readonly checks = new Map<string, Record<Status, number>>();
  readonly findings = new Map<string, number>();

  private readonly failOn: FailOn;

  constructor(failOn: FailOn) {
    this.failOn = failOn;
  }

  add(report: Report): void {
    this.reports++;
    const code = exitCodeFor([report], this.failOn);
    if (code === 1) this.outcomes.failing++; else if (code === 3) this.outcomes.incomplete++; else this.outcomes.clean++;
    const grade = report.score?.grade ?? 'none';
    this.grades.set(grade, (this.grades.get(grade) ?? 0) + 1);
    for (const check of report.checks) {
      let row = this.checks.get(check.id);
      if (!row) {
        row = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
        this.checks.set(check.id, row);
      }
      row[check.status]++;
      // a finding code counts once per target, however many subjects it names
      for (const code of new Set(check.findings.map((f) => f.code))) this.findings.set(code, (this.findings.get(code) ?? 0) + 1);
    }
  }

  render(): string {
    const lines: string[] = [];
    const { clean, failing, incomplete } = this.outcomes;
    lines.push(`${count(this.reports)} target${this.reports === 1 ? '' : 's'}: ${count(failing)} with a check at or above --fail-on ${this.failOn}, ${count(incomplete)} incomplete (a check ended error), ${count(clean)} clean`);
    const grades = ['A', 'B', 'C', 'D', 'F', 'none'].filter((g) => this.grades.has(g)).map((g) => `${g} ${count(this.grades.get(g)!)}`);
    if (grades.length > 0) lines.push(`Grades: ${grades.join(', ')}`);
    if (this.checks.size > 0) {
      lines.push('', 'Targets per check and status:');
      const width = Math.max(5, ...[...this.checks.keys()].map((id) => id.length));
      lines.push(`  ${'check'.padEnd(width)}${STATUSES.map((s) => s.padStart(9)).join('')}`);
      for (const [id, row] of [...this.checks].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`  ${id.padEnd(width)}${STATUSES.map((s) => count(row[s]).padStart(9)).join('')}`);
      }
    }
    if (this.findings.size > 0) {
      const top = [...this.findings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_FINDINGS);
      lines.push('', `Most frequent findings (targets):`);
      for (const [code, n] of top) lines.push(`  ${count(n).padStart(9)}  ${sanitizeRemoteText(code)}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

export function summaryReporter(failOn: FailOn): Reporter {
  const stream = (): ReportStream => {
    const tally = new SummaryTally(failOn);
    return { inputOrder: false, separator: () => '', report: (report) => { tally.add(report); return ''; }, end: () => tally.render() };
  };
  return {
    name: 'summary',
    render(reports) {
      const s = stream();
      for (const r of reports) s.report(r);
      return s.end(reports.length);
    },
    stream,
  };
}
