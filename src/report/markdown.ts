// markdown: for pull-request comments and CI job summaries ($GITHUB_STEP_SUMMARY). Per domain:
// the score, a summary table by area, then the failures and the warnings with their
// remediation, what could not be determined, and (folded) every check and every ignored
// finding. Several domains get an overview table first. Every remote string goes through
// mdText/mdCode, so DNS data cannot inject markup into a PR page.
import type { CheckResult, Finding, Report, Severity, Status } from '../core/report-types.ts';
import { areaTitle } from './areas.ts';
import { mdCode, mdText } from './markdown-text.ts';
import type { RenderOptions, Reporter } from './reporter.ts';
import { reportScore, scoreValueText } from './score-text.ts';
import { zoneFilesText } from './zone-marks.ts';

export const STATUS_EMOJI: Record<Status, string> = { pass: '✅', info: 'ℹ️', warn: '⚠️', fail: '❌', error: '❓', skipped: '⏭️' };
const TABLE_STATUSES: Status[] = ['pass', 'info', 'warn', 'fail', 'error'];
const EVIDENCE_LIMIT = 6;

const isNotSelected = (check: CheckResult): boolean =>
  check.status === 'skipped' && /^(not selected|skipped by --skip)/.test(check.skippedReason ?? '');

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function scoreText(report: Report): string {
  const text = scoreValueText(report);
  return reportScore(report) ? text : `score ${text}`;
}

function areaTable(report: Report): string[] {
  const score = reportScore(report);
  const lines = [
    `| Area | Score | ${TABLE_STATUSES.map((s) => `${STATUS_EMOJI[s]} ${s}`).join(' | ')} |`,
    `| --- | ---: | ${TABLE_STATUSES.map(() => '---:').join(' | ')} |`,
  ];
  const areas = [...new Set(report.checks.filter((c) => c.status !== 'skipped').map((c) => c.area))];
  for (const area of areas) {
    const checks = report.checks.filter((c) => c.area === area && c.status !== 'skipped');
    const counts = TABLE_STATUSES.map((s) => checks.filter((c) => c.status === s).length);
    lines.push(`| ${mdText(areaTitle(area))} | ${score?.areas[area] ?? '—'} | ${counts.map((n) => (n === 0 ? '·' : String(n))).join(' | ')} |`);
  }
  return areas.length > 0 ? lines : ['No check ran.'];
}

function findingLines(finding: Finding, verbose: boolean): string[] {
  const lines = [`- **${mdText(finding.subject)}**: ${mdText(finding.message)}`];
  if (finding.remediation) lines.push(`  - **Fix:** ${mdText(finding.remediation)}`);
  const evidence = verbose ? finding.evidence : finding.evidence.slice(0, EVIDENCE_LIMIT);
  if (evidence.length > 0) {
    const items = evidence.flatMap((e) => e.split('\n')).map((e) => mdCode(e));
    const more = finding.evidence.length - evidence.length;
    lines.push(`  - Evidence: ${items.join(' · ')}${more > 0 ? ` · … ${more} more in the JSON report` : ''}`);
  }
  return lines;
}

function checkHeading(check: CheckResult): string {
  const zone = check.fromZoneFile ? ' _(zone file)_' : '';
  return `**${mdCode(check.id)}** ${mdText(check.title)} — ${mdText(check.reference)}${zone}`;
}

function severitySection(report: Report, severity: Severity, heading: string, verbose: boolean): string[] {
  const checks = report.checks.filter((c) => c.findings.some((f) => f.severity === severity));
  if (checks.length === 0) return [];
  const count = checks.reduce((n, c) => n + c.findings.filter((f) => f.severity === severity).length, 0);
  const lines = ['', `${heading} (${count})`];
  for (const check of checks) {
    lines.push('', checkHeading(check), '');
    for (const finding of check.findings.filter((f) => f.severity === severity)) lines.push(...findingLines(finding, verbose));
  }
  return lines;
}

function errorSection(report: Report, level: string): string[] {
  const checks = report.checks.filter((c) => c.error !== null);
  if (checks.length === 0) return [];
  const lines = ['', `${level} ${STATUS_EMOJI.error} Could not determine (${checks.length})`, ''];
  for (const check of checks) lines.push(`- ${checkHeading(check)}: ${mdText(check.error!)}`);
  return lines;
}

function infoSection(report: Report, verbose: boolean): string[] {
  const checks = report.checks.filter((c) => c.findings.some((f) => f.severity === 'info'));
  if (checks.length === 0) return [];
  const lines = ['', `<details><summary>${STATUS_EMOJI.info} Information (${checks.reduce((n, c) => n + c.findings.filter((f) => f.severity === 'info').length, 0)})</summary>`];
  for (const check of checks) {
    lines.push('', checkHeading(check), '');
    for (const finding of check.findings.filter((f) => f.severity === 'info')) lines.push(...findingLines(finding, verbose));
  }
  lines.push('', '</details>');
  return lines;
}

function allChecks(report: Report): string[] {
  const shown = report.checks.filter((c) => !isNotSelected(c));
  const hidden = report.checks.length - shown.length;
  const lines = ['', `<details><summary>All checks (${shown.length}${hidden > 0 ? `, ${hidden} not selected` : ''})</summary>`, '', '| Status | Check | Result |', '| --- | --- | --- |'];
  for (const check of shown) {
    const detail = check.status === 'skipped' ? mdText(check.skippedReason ?? '') : mdText(check.title);
    lines.push(`| ${STATUS_EMOJI[check.status]} ${check.status} | ${mdCode(check.id, true)} | ${detail}${check.fromZoneFile ? ' _(zone file)_' : ''} |`);
  }
  lines.push('', '</details>');
  return lines;
}

function ignoredSection(report: Report): string[] {
  const ignored = report.checks.flatMap((c) => (c.ignoredFindings ?? []));
  if (ignored.length === 0) return [];
  const lines = ['', `<details><summary>Ignored findings (${ignored.length}): not counted in the statuses</summary>`, ''];
  for (const f of ignored) lines.push(`- ${mdCode(f.code)} ${f.severity} **${mdText(f.subject)}**: ${mdText(f.message)}`);
  lines.push('', '</details>');
  return lines;
}

function zoneNote(report: Report): string[] {
  if (!report.zoneFiles || report.zoneFiles.length === 0) return [];
  const names = report.zoneFileNames ?? [];
  const shown = names.slice(0, 20).map((n) => mdCode(n)).join(', ');
  return ['', `> **Audited with zone file${report.zoneFiles.length === 1 ? '' : 's'} ${mdText(zoneFilesText(report.zoneFiles))}**, not only published DNS. ` +
    `${plural(names.length, 'name')} answered from ${report.zoneFiles.length === 1 ? 'it' : 'them'}${names.length > 0 ? `: ${shown}${names.length > 20 ? ', …' : ''}` : ''}.`];
}

function renderDomain(report: Report, level: string, title: string, options: RenderOptions): string[] {
  const s = report.summary;
  return [
    `${level} ${title}${mdText(report.domain)} — ${scoreText(report)}`,
    '',
    `smtp-audit ${mdText(report.tool.version)} · ${report.startedAt} · checks: ${s.fail} fail, ${s.warn} warn, ${s.error} undetermined, ${s.info} info, ${s.pass} pass`,
    ...zoneNote(report),
    '',
    ...areaTable(report),
    ...severitySection(report, 'fail', `${level}# ${STATUS_EMOJI.fail} Failures`, options.verbose),
    ...severitySection(report, 'warn', `${level}# ${STATUS_EMOJI.warn} Warnings`, options.verbose),
    ...errorSection(report, `${level}#`),
    ...infoSection(report, options.verbose),
    ...allChecks(report),
    ...ignoredSection(report),
  ];
}

export function renderMarkdown(reports: readonly Report[], options: RenderOptions): string {
  if (reports.length === 1) return `${renderDomain(reports[0]!, '##', 'smtp-audit: ', options).join('\n')}\n`;
  const lines = [`## smtp-audit: ${plural(reports.length, 'domain')}`, '', '| Domain | Score | ❌ fail | ⚠️ warn | ❓ error | ✅ pass |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const r of reports) lines.push(`| ${mdText(r.domain)} | ${scoreText(r)} | ${r.summary.fail} | ${r.summary.warn} | ${r.summary.error} | ${r.summary.pass} |`);
  for (const r of reports) lines.push('', ...renderDomain(r, '###', '', options));
  return `${lines.join('\n')}\n`;
}

export const markdownReporter: Reporter = {
  name: 'markdown',
  render: renderMarkdown,
};
