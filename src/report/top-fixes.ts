// What to fix first: the failing and warning checks ordered by how much fixing each would
// raise the score (src/report/score.ts): the area's weight times the credit the check loses,
// shared among the area's scored checks. A failing relay test (weight 3, alone in its area)
// comes before a warning among seven DMARC checks. Ties keep failures first, then report order.
import type { CheckResult, Finding, Report } from '../core/report-types.ts';
import { AREA_WEIGHTS, DEFAULT_AREA_WEIGHT, STATUS_CREDIT } from './score.ts';

export interface TopFix {
  check: CheckResult;
  /** the worst finding with a remediation */
  finding: Finding;
  /** other findings of the check with a different remediation */
  more: number;
  /** score points the check costs, before caps */
  impact: number;
}

const RANK = { fail: 0, warn: 1, info: 2 } as const;

export function topFixes(report: Report, limit = 5): TopFix[] {
  const scored = new Map<string, number>();
  for (const c of report.checks) if (STATUS_CREDIT[c.status] !== undefined) scored.set(c.area, (scored.get(c.area) ?? 0) + 1);
  const totalWeight = [...scored.keys()].reduce((n, area) => n + (AREA_WEIGHTS[area] ?? DEFAULT_AREA_WEIGHT), 0);
  const fixes: Array<TopFix & { order: number }> = [];
  report.checks.forEach((check, order) => {
    if (check.status !== 'fail' && check.status !== 'warn') return;
    const withFix = check.findings.filter((f) => f.remediation).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
    const finding = withFix[0];
    if (!finding) return;
    const weight = AREA_WEIGHTS[check.area] ?? DEFAULT_AREA_WEIGHT;
    const lost = 100 - STATUS_CREDIT[check.status]!;
    const impact = totalWeight === 0 ? 0 : (weight * lost) / scored.get(check.area)! / totalWeight;
    const more = new Set(withFix.map((f) => f.remediation)).size - 1;
    fixes.push({ check, finding, more, impact, order });
  });
  fixes.sort((a, b) => b.impact - a.impact || RANK[a.check.status as 'fail' | 'warn'] - RANK[b.check.status as 'fail' | 'warn'] || a.order - b.order);
  return fixes.slice(0, limit).map(({ order: _order, ...fix }) => fix);
}
