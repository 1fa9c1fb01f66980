// The score as the human reports say it. A report's `score` may be withheld (`withheld` says
// why: most checks could not be determined, so a number would mislead), null (saved reports of
// that shape), or absent (a report built without finishReport: computed here); a score whose
// total is null scored nothing at all. All are said the same way: the score is withheld.
import type { Report, Score } from '../core/report-types.ts';
import { scoreReport } from './score.ts';

export const SCORE_WITHHELD = 'score withheld: not enough was determined';

/** The report's score, or null when it is withheld or nothing could be scored. */
export function reportScore(report: Report): Score | null {
  const score = (report.score as Score | null | undefined) === undefined ? scoreReport(report) : report.score;
  return score && score.total !== null && score.grade !== null ? score : null;
}

/** "grade F (48/100)", or "score withheld: not enough was determined" (the JSON's score.withheld has the counts). */
export function gradeText(report: Report): string {
  const score = reportScore(report);
  return score ? `grade ${score.grade} (${score.total}/100)` : SCORE_WITHHELD;
}

/** "48/100 (F)", or "withheld: not enough was determined". */
export function scoreValueText(report: Report): string {
  const score = reportScore(report);
  return score ? `${score.total}/100 (${score.grade})` : 'withheld: not enough was determined';
}

/** Why the total is held below the next grade, when it is. */
export function capText(report: Report): string | null {
  const capped = reportScore(report)?.cappedBy;
  if (!capped) return null;
  return `held below the next grade: a check ${capped === 'fail' ? 'fails' : 'warns'}`;
}
