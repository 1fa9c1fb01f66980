// The report, exactly as docs/contract.md (schemaVersion 1) names it. Users script
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
  /** findings dropped by --ignore (or the config file's `ignore`): listed, but not counted in the status */
  ignoredFindings?: Finding[];
  /** some of the facts this check judged came from a --zone file, not from published DNS */
  fromZoneFile?: boolean;
}

export type Summary = Record<Status, number>;

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

/** 0-100 from the check statuses (weights: src/report/score.ts, README "Score"); null when nothing could be scored */
export interface Score {
  total: number | null;
  grade: Grade | null;
  /** per area with at least one scored check */
  areas: Record<string, number>;
  /** checks that ended `error`, left out of the score */
  undetermined: number;
  /** the total was held below the next grade because a check failed (at most 79) or warned (at most 89) */
  cappedBy: 'fail' | 'warn' | null;
  /** present only when the score is withheld: why total and grade are null (most checks could not be determined; README "Score") */
  withheld?: string;
}

/** A --zone file used for the audit: its records replaced DNS answers for names under `origin`. */
export interface ZoneFileUse { file: string; origin: string }

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
  /** added by the CLI (and finishReport in src/report/finish-report.ts) */
  score?: Score;
  /** the --zone files in force, when any */
  zoneFiles?: ZoneFileUse[];
  /** every name this audit looked up that a --zone file answered (sorted) */
  zoneFileNames?: string[];
}
