// Exit codes (docs/contract.md): 0 clean, 1 something at or above --fail-on,
// 2 usage error or crash (decided by the CLI), 3 incomplete (an `error` check, nothing failing).
// `--fail-on never` means never fail: the audit exits 0 whatever the checks ended, `error`
// included (a report-only run, e.g. one that feeds `smtp-audit diff`); only 2 remains.
import type { Report, Status } from './report-types.ts';

export type FailOn = 'info' | 'warn' | 'fail' | 'never';
export const FAIL_ON_VALUES: readonly FailOn[] = ['fail', 'warn', 'info', 'never'];

const RANK: Partial<Record<Status, number>> = { info: 1, warn: 2, fail: 3 };

export function statusReaches(status: Status, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const rank = RANK[status];
  return rank !== undefined && rank >= RANK[failOn]!;
}

export function exitCodeFor(reports: readonly Report[], failOn: FailOn): 0 | 1 | 3 {
  if (failOn === 'never') return 0;
  const checks = reports.flatMap((r) => r.checks);
  if (checks.some((c) => statusReaches(c.status, failOn))) return 1;
  if (checks.some((c) => c.status === 'error')) return 3;
  return 0;
}
