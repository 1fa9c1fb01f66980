// The score: 0-100 per area and per domain, and a letter grade, from check statuses alone, so
// the same report always scores the same. The weights are part of the user documentation
// (README "Score"); change them there too.
//
// 1. Each check that ran earns credit by status: pass 100, info 90 (a neutral observation,
//    usually a missing optional protection), warn 50, fail 0. `error` (could not tell) and
//    `skipped` checks earn nothing and are left out: an unknown is not scored as good or bad.
// 2. An area's score is the mean credit of its scored checks.
// 3. The total is the mean of the area scores weighted by how much each area decides whether
//    mail is delivered and trusted (AREA_WEIGHTS).
// 4. Caps: any failing check holds the total at 79 at most (grade C at best), any warning at
//    89 (B at best), so one broken MX cannot hide behind thirty passing checks.
// 5. Grade: A 90-100, B 80-89, C 70-79, D 60-69, F below 60. Scores are rounded to integers.
// 6. Withheld: when most checks that ran could not be determined (more ended `error` than got
//    a status), the few that did say too little about the domain: a run where every query
//    failed must not grade A on the strength of one `info`. Total and grade are then null and
//    `withheld` says why; the area scores stay, for what they are worth. When no check ran
//    at all (everything skipped), total and grade are null too ("not scored").
import type { CheckResult, Grade, Report, Score, Status } from '../core/report-types.ts';

export const STATUS_CREDIT: Readonly<Partial<Record<Status, number>>> = { pass: 100, info: 90, warn: 50, fail: 0 };

export const AREA_WEIGHTS: Readonly<Record<string, number>> = {
  mx: 3, spf: 3, dmarc: 3, relay: 3,
  dkim: 2, tls: 2, dnsbl: 2,
  ptr: 1, smtp: 1, 'mta-sts': 1, dane: 1,
  'tls-rpt': 0.5, bimi: 0.5,
};
/** areas not listed above (plugins) */
export const DEFAULT_AREA_WEIGHT = 1;

export const FAIL_CAP = 79;
export const WARN_CAP = 89;

export function gradeFor(total: number): Grade {
  if (total >= 90) return 'A';
  if (total >= 80) return 'B';
  if (total >= 70) return 'C';
  if (total >= 60) return 'D';
  return 'F';
}

/** The reason a score is withheld, or null: more checks could not be determined than got a status. */
export function withheldReason(scored: number, undetermined: number): string | null {
  if (undetermined === 0 || undetermined <= scored) return null;
  return `not enough was determined: ${undetermined} of ${scored + undetermined} checks that ran could not be determined`;
}

export function scoreChecks(checks: readonly CheckResult[]): Score {
  const credits = new Map<string, number[]>();
  let undetermined = 0;
  let scored = 0;
  for (const check of checks) {
    if (check.status === 'error') undetermined++;
    const credit = STATUS_CREDIT[check.status];
    if (credit === undefined) continue;
    scored++;
    const list = credits.get(check.area) ?? [];
    list.push(credit);
    credits.set(check.area, list);
  }
  const areas: Record<string, number> = {};
  let weighted = 0;
  let weights = 0;
  for (const [area, list] of credits) {
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    areas[area] = Math.round(mean);
    const weight = AREA_WEIGHTS[area] ?? DEFAULT_AREA_WEIGHT;
    weighted += mean * weight;
    weights += weight;
  }
  const withheld = withheldReason(scored, undetermined);
  if (withheld !== null) return { total: null, grade: null, areas, undetermined, cappedBy: null, withheld };
  if (weights === 0) return { total: null, grade: null, areas, undetermined, cappedBy: null };
  let total = Math.round(weighted / weights);
  let cappedBy: Score['cappedBy'] = null;
  const worst = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : null;
  const cap = worst === 'fail' ? FAIL_CAP : worst === 'warn' ? WARN_CAP : 100;
  if (total > cap) {
    total = cap;
    cappedBy = worst;
  }
  return { total, grade: gradeFor(total), areas, undetermined, cappedBy };
}

export function scoreReport(report: Report): Score {
  return scoreChecks(report.checks);
}
