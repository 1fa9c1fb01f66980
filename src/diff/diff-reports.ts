// Comparing two runs' reports: what got better, what got worse, what is new or gone, per
// domain, per check status and per finding (code + subject). Pure: reports in, a diff out.
//
// Ordering for better/worse: pass < info < warn < fail (the contract's --fail-on order, pass
// lowest). `error` (could not tell) and `skipped` are not on that scale: a check moving to or
// from them is "changed", never better or worse, so a transient timeout does not fail a gate.
// A finding is identified by its code and subject. Worse: a check's status rose, a finding
// appeared, or a finding's severity rose. Checks or domains present on one side only are
// listed as added or removed and do not count as worse (a newer tool may bring new checks).
import type { CheckResult, Finding, Report, Severity, Status } from '../core/report-types.ts';
import { scoreReport } from '../report/score.ts';

const RANK: Partial<Record<Status, number>> = { pass: 0, info: 1, warn: 2, fail: 3 };
const SEVERITY_RANK: Record<Severity, number> = { info: 1, warn: 2, fail: 3 };

export type Change = 'better' | 'worse' | 'changed' | 'added' | 'removed';

export interface CheckChange {
  id: string;
  area: string;
  old: Status | null;
  new: Status | null;
  change: Change;
  /** the title on the newer side (the older one when removed) */
  title: string;
}

export interface FindingChange {
  checkId: string;
  code: string;
  subject: string;
  old: Severity | null;
  new: Severity | null;
  /** new: appeared (worse); resolved: gone (better); better/worse: severity moved */
  change: 'new' | 'resolved' | 'better' | 'worse';
  /** the newer message (the older one when resolved) */
  message: string;
  remediation: string | null;
}

export interface DomainDiff {
  domain: string;
  presence: 'both' | 'added' | 'removed';
  score: { old: number | null; new: number | null; delta: number | null };
  /** only checks whose status differs, or that exist on one side */
  checks: CheckChange[];
  findings: FindingChange[];
  worse: boolean;
}

export interface DiffSummary { better: number; worse: number; changed: number; added: number; removed: number; newFindings: number; resolvedFindings: number }

export interface ReportDiff {
  schemaVersion: 1;
  kind: 'smtp-audit-diff';
  old: { file: string; startedAt: string | null };
  new: { file: string; startedAt: string | null };
  domains: DomainDiff[];
  summary: DiffSummary;
  /** anything got worse: the exit code is 1 */
  worse: boolean;
}

function statusChange(old: Status, next: Status): Change | null {
  if (old === next) return null;
  const a = RANK[old];
  const b = RANK[next];
  if (a === undefined || b === undefined) return 'changed';
  return b > a ? 'worse' : 'better';
}

const findingKey = (checkId: string, f: Finding): string => `${checkId}\u0000${f.code}\u0000${f.subject}`;

function findingMap(checks: readonly CheckResult[]): Map<string, { checkId: string; finding: Finding }> {
  const map = new Map<string, { checkId: string; finding: Finding }>();
  for (const check of checks) {
    for (const finding of check.findings) {
      const key = findingKey(check.id, finding);
      const existing = map.get(key);
      // the same code and subject twice: keep the worse one
      if (!existing || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[existing.finding.severity]) map.set(key, { checkId: check.id, finding });
    }
  }
  return map;
}

const scoreOf = (report: Report): number | null => (report.score ?? scoreReport(report)).total;

function diffDomain(old: Report | undefined, next: Report | undefined): DomainDiff {
  const domain = (next ?? old)!.domain;
  const oldScore = old ? scoreOf(old) : null;
  const newScore = next ? scoreOf(next) : null;
  const score = { old: oldScore, new: newScore, delta: oldScore !== null && newScore !== null ? newScore - oldScore : null };
  if (!old || !next) {
    return { domain, presence: old ? 'removed' : 'added', score, checks: [], findings: [], worse: false };
  }
  const checks: CheckChange[] = [];
  const oldChecks = new Map(old.checks.map((c) => [c.id, c]));
  const newChecks = new Map(next.checks.map((c) => [c.id, c]));
  for (const check of next.checks) {
    const before = oldChecks.get(check.id);
    if (!before) {
      checks.push({ id: check.id, area: check.area, old: null, new: check.status, change: 'added', title: check.title });
      continue;
    }
    const change = statusChange(before.status, check.status);
    if (change) checks.push({ id: check.id, area: check.area, old: before.status, new: check.status, change, title: check.title });
  }
  for (const check of old.checks) {
    if (!newChecks.has(check.id)) checks.push({ id: check.id, area: check.area, old: check.status, new: null, change: 'removed', title: check.title });
  }

  // Findings of checks present on both sides only: an added check's findings are not news.
  const shared = (c: CheckResult): boolean => oldChecks.has(c.id) && newChecks.has(c.id);
  const before = findingMap(old.checks.filter(shared));
  const after = findingMap(next.checks.filter(shared));
  const findings: FindingChange[] = [];
  for (const [key, { checkId, finding }] of after) {
    const prior = before.get(key)?.finding;
    const base = { checkId, code: finding.code, subject: finding.subject, message: finding.message, remediation: finding.remediation };
    if (!prior) findings.push({ ...base, old: null, new: finding.severity, change: 'new' });
    else if (prior.severity !== finding.severity) {
      findings.push({ ...base, old: prior.severity, new: finding.severity, change: SEVERITY_RANK[finding.severity] > SEVERITY_RANK[prior.severity] ? 'worse' : 'better' });
    }
  }
  for (const [key, { checkId, finding }] of before) {
    if (after.has(key)) continue;
    findings.push({ checkId, code: finding.code, subject: finding.subject, old: finding.severity, new: null, change: 'resolved', message: finding.message, remediation: finding.remediation });
  }
  const worse = checks.some((c) => c.change === 'worse') || findings.some((f) => f.change === 'new' || f.change === 'worse');
  return { domain, presence: 'both', score, checks, findings, worse };
}

export function diffReports(oldReports: readonly Report[], newReports: readonly Report[], files: { old: string; new: string } = { old: 'old', new: 'new' }): ReportDiff {
  const oldByDomain = new Map(oldReports.map((r) => [r.domain, r]));
  const newByDomain = new Map(newReports.map((r) => [r.domain, r]));
  const domains: DomainDiff[] = [];
  for (const report of newReports) domains.push(diffDomain(oldByDomain.get(report.domain), report));
  for (const report of oldReports) if (!newByDomain.has(report.domain)) domains.push(diffDomain(report, undefined));
  const all = domains.flatMap((d) => d.checks);
  const findings = domains.flatMap((d) => d.findings);
  const summary: DiffSummary = {
    better: all.filter((c) => c.change === 'better').length,
    worse: all.filter((c) => c.change === 'worse').length,
    changed: all.filter((c) => c.change === 'changed').length,
    added: all.filter((c) => c.change === 'added').length,
    removed: all.filter((c) => c.change === 'removed').length,
    newFindings: findings.filter((f) => f.change === 'new').length,
    resolvedFindings: findings.filter((f) => f.change === 'resolved').length,
  };
  const earliest = (reports: readonly Report[]): string | null => reports.map((r) => r.startedAt).sort()[0] ?? null;
  return {
    schemaVersion: 1,
    kind: 'smtp-audit-diff',
    old: { file: files.old, startedAt: earliest(oldReports) },
    new: { file: files.new, startedAt: earliest(newReports) },
    domains,
    summary,
    worse: domains.some((d) => d.worse),
  };
}
