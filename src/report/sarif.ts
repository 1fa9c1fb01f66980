// sarif: SARIF 2.1.0 (OASIS), for code-scanning dashboards. One run for all domains; one rule
// per check id (its title, description, RFC reference and an RFC link); one result per
// finding, at the finding's subject as a logical location under the domain (and, when the
// audit used a --zone file covering the domain, that file as the physical location: it is the
// artifact under review). Ignored findings are results with an external suppression; checks
// that could not be determined are tool execution notifications, not results.
import { createHash } from 'node:crypto';
import { findCheck } from '../checks/index.ts';
import type { CheckResult, Finding, Report, Severity } from '../core/report-types.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { Reporter } from './reporter.ts';
import { scoreReport } from './score.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { fail: 'error', warn: 'warning', info: 'note' };

const text = (s: string): string => sanitizeRemoteText(s);

/** "RFC 5321 section 5.1; ..." -> https://www.rfc-editor.org/rfc/rfc5321#section-5.1 (the first RFC named). */
export function rfcLink(reference: string): string | undefined {
  const m = /RFC\s*(\d+)(?:[^;]*?(?:section|§)\s*([\d.]*\d))?/i.exec(reference);
  if (!m) return undefined;
  return `https://www.rfc-editor.org/rfc/rfc${m[1]}${m[2] ? `#section-${m[2]}` : ''}`;
}

/** mx/targets -> MxTargets (SARIF rule names are identifiers). */
function ruleName(id: string): string {
  return id.split(/[/-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

interface RuleEntry { index: number; rule: Record<string, unknown> }

function buildRules(reports: readonly Report[]): Map<string, RuleEntry> {
  const rules = new Map<string, RuleEntry>();
  for (const report of reports) {
    for (const check of report.checks) {
      if (rules.has(check.id)) continue;
      const definition = findCheck(check.id);
      const description = definition?.description ?? check.title;
      const link = rfcLink(check.reference);
      const rule: Record<string, unknown> = {
        id: check.id,
        name: ruleName(check.id),
        shortDescription: { text: definition?.title ?? check.title },
        fullDescription: { text: description },
        help: { text: `${description}\nDecided by: ${check.reference}.` },
        ...(link ? { helpUri: link } : {}),
        properties: { area: check.area, reference: check.reference, tags: ['email', check.area] },
      };
      rules.set(check.id, { index: rules.size, rule });
    }
  }
  return rules;
}

function fingerprint(report: Report, finding: Finding): string {
  return createHash('sha256').update(`${report.domain}\0${finding.code}\0${finding.subject}`).digest('hex');
}

function zoneFileFor(report: Report): string | null {
  const covering = (report.zoneFiles ?? [])
    .filter((z) => z.origin === '' || report.domain === z.origin || report.domain.endsWith(`.${z.origin}`))
    .sort((a, b) => b.origin.length - a.origin.length);
  return covering[0]?.file ?? null;
}

function location(report: Report, check: CheckResult, subject: string): Record<string, unknown> {
  const loc: Record<string, unknown> = {
    logicalLocations: [{
      name: text(subject),
      fullyQualifiedName: text(subject === report.domain ? report.domain : `${report.domain}/${subject}`),
      kind: 'resource',
    }],
  };
  const zoneFile = check.fromZoneFile ? zoneFileFor(report) : null;
  if (zoneFile) loc.physicalLocation = { artifactLocation: { uri: encodeURI(zoneFile.replace(/\\/g, '/')) } };
  return loc;
}

function result(report: Report, check: CheckResult, finding: Finding, rules: Map<string, RuleEntry>, ignored: boolean): Record<string, unknown> {
  const message = finding.remediation ? `${finding.message} Fix: ${finding.remediation}` : finding.message;
  return {
    ruleId: check.id,
    ruleIndex: rules.get(check.id)!.index,
    kind: 'fail',
    level: LEVEL[finding.severity],
    message: { text: text(message) },
    locations: [location(report, check, finding.subject)],
    partialFingerprints: { 'smtpAuditFinding/v1': fingerprint(report, finding) },
    ...(ignored ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `ignored with --ignore ${finding.code}` }] } : {}),
    properties: {
      domain: report.domain,
      code: finding.code,
      severity: finding.severity,
      subject: text(finding.subject),
      evidence: finding.evidence.map(text),
      ...(check.fromZoneFile ? { fromZoneFile: true } : {}),
    },
  };
}

export function buildSarif(reports: readonly Report[]): Record<string, unknown> {
  const rules = buildRules(reports);
  const results: Array<Record<string, unknown>> = [];
  const notifications: Array<Record<string, unknown>> = [];
  for (const report of reports) {
    for (const check of report.checks) {
      for (const finding of check.findings) results.push(result(report, check, finding, rules, false));
      for (const finding of check.ignoredFindings ?? []) results.push(result(report, check, finding, rules, true));
      if (check.error !== null) {
        notifications.push({
          level: 'error',
          message: { text: text(`${report.domain}: ${check.id} could not be determined: ${check.error}`) },
          associatedRule: { id: check.id, index: rules.get(check.id)!.index },
          locations: [location(report, check, report.domain)],
        });
      }
    }
  }
  const starts = reports.map((r) => r.startedAt).sort();
  const ends = reports.map((r) => new Date(Date.parse(r.startedAt) + r.durationMs).toISOString()).sort();
  const invocation: Record<string, unknown> = { executionSuccessful: true };
  if (starts.length > 0) {
    invocation.startTimeUtc = starts[0];
    invocation.endTimeUtc = ends.at(-1);
  }
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'smtp-audit',
          version: reports[0]?.tool.version ?? '0.0.0',
          rules: [...rules.values()].map((r) => r.rule),
        },
      },
      invocations: [invocation],
      results,
      properties: {
        domains: reports.map((r) => {
          const score = r.score ?? scoreReport(r);
          return { domain: r.domain, score: score.total, grade: score.grade, summary: r.summary };
        }),
      },
    }],
  };
}

export const sarifReporter: Reporter = {
  name: 'sarif',
  render(reports) {
    return `${JSON.stringify(buildSarif(reports), null, 2)}\n`;
  },
};
