// sarif: SARIF 2.1.0 (OASIS), for code-scanning dashboards. One run for all domains; one rule
// per check id (what it asserts, its description, RFC reference and an RFC link); one result
// per finding. GitHub code scanning takes only results with a physical location, so every
// result has one: the file that holds the fix (the --zone file, at the record's line; the
// config file, at the domain's line) or the stand-in the user chose (sarif-locations.ts); the
// finding's subject under the domain is its logical location. Identity across runs is the
// domain, the finding code and the subject (partialFingerprints), not a line, so an alert does
// not move when the stand-in file is edited. Ignored findings are results with an external
// suppression; checks that could not be determined are tool execution notifications.
// GitHub's limits are kept: texts within 1024 characters, at most 10 locations, ids present.
import { createHash } from 'node:crypto';
import { findCheck } from '../checks/index.ts';
import type { CheckResult, Finding, Report, Severity } from '../core/report-types.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { Reporter } from './reporter.ts';
import { defaultSarifLocations, physicalLocation, type SarifLocationOptions } from './sarif-locations.ts';
import { reportScore } from './score-text.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { fail: 'error', warn: 'warning', info: 'note' };

const text = (s: string): string => sanitizeRemoteText(s);

/** GitHub shows rule descriptions of at most 1024 characters. */
const within = (s: string, max = 1024): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

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
        shortDescription: { text: within(definition?.titles.pass ?? check.title) },
        fullDescription: { text: within(description) },
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

function location(report: Report, check: CheckResult, finding: Finding | null, options: SarifLocationOptions): Record<string, unknown> {
  const subject = finding?.subject ?? report.domain;
  return {
    physicalLocation: physicalLocation(report, check, finding, options),
    logicalLocations: [{
      name: text(subject),
      fullyQualifiedName: text(subject === report.domain ? report.domain : `${report.domain}/${subject}`),
      kind: 'resource',
    }],
  };
}

function result(report: Report, check: CheckResult, finding: Finding, rules: Map<string, RuleEntry>, ignored: boolean, options: SarifLocationOptions): Record<string, unknown> {
  const message = finding.remediation ? `${finding.message} Fix: ${finding.remediation}` : finding.message;
  const id = fingerprint(report, finding);
  return {
    ruleId: check.id,
    ruleIndex: rules.get(check.id)!.index,
    kind: 'fail',
    level: LEVEL[finding.severity],
    message: { text: text(message) },
    locations: [location(report, check, finding, options)],
    // GitHub matches alerts across runs by primaryLocationLineHash; ours names the finding, not a line
    partialFingerprints: { primaryLocationLineHash: `${id.slice(0, 16)}:1`, 'smtpAuditFinding/v1': id },
    ...(ignored ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `ignored with --ignore ${finding.code}` }] } : {}),
    properties: {
      domain: report.domain,
      code: finding.code,
      severity: finding.severity,
      subject: text(finding.subject),
      checkStatus: check.status,
      checkTitle: text(check.title),
      evidence: finding.evidence.map(text),
      ...(check.fromZoneFile ? { fromZoneFile: true } : {}),
    },
  };
}

export function buildSarif(reports: readonly Report[], options: SarifLocationOptions = defaultSarifLocations()): Record<string, unknown> {
  const rules = buildRules(reports);
  const results: Array<Record<string, unknown>> = [];
  const notifications: Array<Record<string, unknown>> = [];
  for (const report of reports) {
    for (const check of report.checks) {
      for (const finding of check.findings) results.push(result(report, check, finding, rules, false, options));
      for (const finding of check.ignoredFindings ?? []) results.push(result(report, check, finding, rules, true, options));
      if (check.error !== null) {
        notifications.push({
          level: 'error',
          message: { text: text(`${report.domain}: ${check.id}: ${check.title}: ${check.error}`) },
          associatedRule: { id: check.id, index: rules.get(check.id)!.index },
          locations: [location(report, check, null, options)],
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
          const score = reportScore(r);
          return { domain: r.domain, score: score?.total ?? null, grade: score?.grade ?? null, summary: r.summary };
        }),
      },
    }],
  };
}

export function renderSarif(reports: readonly Report[], options?: SarifLocationOptions): string {
  return `${JSON.stringify(buildSarif(reports, options), null, 2)}\n`;
}

export const sarifReporter: Reporter = {
  name: 'sarif',
  render(reports) {
    return renderSarif(reports);
  },
};
