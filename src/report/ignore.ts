// --ignore <finding code>: accept a known finding. Its findings leave the status computation
// (the check is judged as if they were not there) but stay in the report under
// `ignoredFindings`, so an ignore list can never hide what it hides.
import { findCheck } from '../checks/index.ts';
import { summarize } from '../core/audit.ts';
import { titleFor } from '../core/check.ts';
import type { CheckResult, Report, Severity, Status } from '../core/report-types.ts';

const CODE = /^([a-z0-9-]+\/[a-z0-9-]+)\.([a-z0-9]+(?:-[a-z0-9]+)*)$/;

export class IgnoreCodeError extends Error {
  override name = 'IgnoreCodeError';
}

/** Validates one finding code (`<check id>.<name>`, e.g. `ptr/present.missing`) and returns it lowercased. */
export function parseIgnoreCode(raw: string): string {
  const code = raw.trim().toLowerCase();
  const match = CODE.exec(code);
  if (!match) throw new IgnoreCodeError(`"${raw}" is not a finding code (<check id>.<name>, e.g. ptr/present.missing)`);
  if (!findCheck(match[1]!)) throw new IgnoreCodeError(`"${raw}" names no known check (${match[1]}; see: smtp-audit checks)`);
  return code;
}

const RANK: Record<Severity, number> = { info: 1, warn: 2, fail: 3 };

/** The status a check would have had without the ignored findings (same rules as src/core/run-checks.ts). */
function statusWithout(check: CheckResult, kept: CheckResult['findings']): Status {
  const worst = kept.reduce<Severity | null>((acc, f) => (acc === null || RANK[f.severity] > RANK[acc] ? f.severity : acc), null);
  if (worst === 'fail') return 'fail';
  if (check.error !== null) return 'error';
  return worst ?? 'pass';
}

function retitle(check: CheckResult, status: Status): string {
  const definition = findCheck(check.id);
  return definition ? titleFor(definition, status) : check.title;
}

export function ignoreInCheck(check: CheckResult, codes: ReadonlySet<string>): CheckResult {
  if (check.status === 'skipped' || check.findings.every((f) => !codes.has(f.code))) return check;
  const kept = check.findings.filter((f) => !codes.has(f.code));
  const ignored = check.findings.filter((f) => codes.has(f.code));
  const status = statusWithout(check, kept);
  return {
    ...check,
    status,
    title: status === check.status ? check.title : retitle(check, status),
    findings: kept,
    ignoredFindings: [...(check.ignoredFindings ?? []), ...ignored],
  };
}

/** A copy of the report with the ignored findings moved aside and statuses and summary recomputed. */
export function applyIgnores(report: Report, codes: readonly string[]): Report {
  if (codes.length === 0) return report;
  const set = new Set(codes);
  const checks = report.checks.map((c) => ignoreInCheck(c, set));
  return { ...report, checks, summary: summarize(checks) };
}
