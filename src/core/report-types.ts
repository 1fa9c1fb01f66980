// The report, exactly as ../shared/contract.md (schemaVersion 1) names it. Users script
// against these fields: extend, never rename.

export type Status = 'pass' | 'info' | 'warn' | 'fail' | 'error' | 'skipped';
export type Severity = 'info' | 'warn' | 'fail';

export const STATUSES: readonly Status[] = ['pass', 'info', 'warn', 'fail', 'error', 'skipped'];

export interface Finding {
  /** `<check id>.<kebab-message>`: stable, for --ignore and scripts */
  code: string;
  severity: Severity;
  /** what the finding is about: a host name, an address, a record owner */
  subject: string;
  /** one sentence: what was observed, with values, and what it means */
  message: string;
  remediation: string | null;
  evidence: string[];
}

export interface CheckResult {
  id: string;
  area: string;
  status: Status;
  title: string;
  reference: string;
  findings: Finding[];
  /** why the check ended `error` (or which subjects could not be determined), else null */
  error: string | null;
  /** why the check ended `skipped`, else absent */
  skippedReason?: string;
  /** neutral observations that do not change the status (what was tried, what was inherited) */
  notes?: string[];
}

export type Summary = Record<Status, number>;

export interface ReportTarget { kind: 'domain' | 'ip'; input: string; name: string }

export interface Report {
  schemaVersion: 1;
  tool: { name: 'smtp-audit'; version: string };
  domain: string;
  target: ReportTarget;
  startedAt: string;
  durationMs: number;
  summary: Summary;
  checks: CheckResult[];
  facts: Record<string, unknown>;
}
