// junit: JUnit XML for CI test views. One <testsuite> per domain, one <testcase> per check
// (name = check id, stable across runs; classname = the domain). Status mapping: fail ->
// <failure>, error -> <error>, skipped -> <skipped>; pass, info and warn pass, with their
// findings (and ignored ones) in <system-out> so nothing is lost. Text is escaped for XML 1.0,
// which cannot carry most control characters at all, so remote text is sanitized first.
import type { CheckResult, Finding, Report } from '../core/report-types.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { Reporter } from './reporter.ts';
import { reportScore, scoreValueText } from './score-text.ts';
import { zoneFilesText } from './zone-marks.ts';

/** Escapes for XML 1.0 text and attribute values; characters XML cannot hold become visible escapes. */
export function xml(text: string): string {
  return sanitizeRemoteText(text)
    .replace(/[\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function findingText(f: Finding): string {
  const lines = [`[${f.severity}] ${f.code} ${f.subject}: ${f.message}`];
  if (f.remediation) lines.push(`  fix: ${f.remediation}`);
  for (const e of f.evidence) lines.push(`  | ${e}`);
  return lines.join('\n');
}

function body(check: CheckResult): string {
  const parts = [...check.findings.map(findingText)];
  if (check.error) parts.push(`could not tell: ${check.error}`);
  for (const note of check.notes ?? []) parts.push(`note: ${note}`);
  for (const f of check.ignoredFindings ?? []) parts.push(`ignored: ${findingText(f)}`);
  parts.push(`reference: ${check.reference}`);
  // sanitizeRemoteText would turn the line breaks we add into "\n"; escape each line instead.
  return parts.join('\n').split('\n').map(xml).join('\n');
}

function testcase(report: Report, check: CheckResult): string {
  const open = `    <testcase name="${xml(check.id)}" classname="${xml(report.domain)}" time="0"`;
  switch (check.status) {
    case 'fail':
      return `${open}>\n      <failure type="fail" message="${xml(check.title)}">${body(check)}</failure>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error type="error" message="${xml(check.error ? `${check.title}: ${check.error}` : check.title)}">${body(check)}</error>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${xml(check.skippedReason ?? 'skipped')}"/>\n    </testcase>`;
    default:
      if (check.findings.length === 0 && !check.ignoredFindings?.length && !check.notes?.length) return `${open}/>`;
      return `${open}>\n      <system-out>[${check.status}] ${xml(check.title)}\n${body(check)}</system-out>\n    </testcase>`;
  }
}

/**
 * The count attributes. `skipped` only on <testsuite>: the JUnit schema Jenkins validates
 * against (junit-10.xsd, test/fixtures-schema) allows name, time, tests, failures and errors on
 * <testsuites>, and rejects the file for any other attribute.
 */
function counts(reports: readonly Report[], withSkipped: boolean): string {
  const sum = (f: (r: Report) => number): number => reports.reduce((n, r) => n + f(r), 0);
  const time = (sum((r) => r.durationMs) / 1000).toFixed(3);
  const skipped = withSkipped ? ` skipped="${sum((r) => r.summary.skipped)}"` : '';
  return `tests="${sum((r) => r.checks.length)}" failures="${sum((r) => r.summary.fail)}" errors="${sum((r) => r.summary.error)}"${skipped} time="${time}"`;
}

function testsuite(report: Report): string {
  const properties = [
    ['score', scoreValueText(report)],
    ['grade', reportScore(report)?.grade ?? 'none'],
    ['tool.version', report.tool.version],
    ...(report.zoneFiles?.length ? [['zoneFiles', zoneFilesText(report.zoneFiles)]] : []),
  ].map(([name, value]) => `      <property name="${xml(name!)}" value="${xml(value!)}"/>`);
  // The JUnit XSD's timestamp is an ISO 8601 local date-time without a zone: UTC, zone dropped.
  const timestamp = report.startedAt.replace(/(\.\d+)?Z$/, '');
  return [
    `  <testsuite name="${xml(report.domain)}" ${counts([report], true)} timestamp="${xml(timestamp)}">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...report.checks.map((c) => testcase(report, c)),
    '  </testsuite>',
  ].join('\n');
}

export const junitReporter: Reporter = {
  name: 'junit',
  render(reports) {
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="smtp-audit" ${counts(reports, false)}>`,
      ...reports.map(testsuite),
      '</testsuites>',
      '',
    ].join('\n');
  },
};
