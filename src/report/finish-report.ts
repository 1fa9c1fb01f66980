// What the CLI adds to each report audit() returns, in this order: --ignore (statuses and
// summary recomputed), zone-file marks (--zone), then the score of the final statuses.
import type { Report, ZoneFileUse } from '../core/report-types.ts';
import { applyIgnores } from './ignore.ts';
import { scoreReport } from './score.ts';
import { markZoneFileUse } from './zone-marks.ts';

export interface FinishOptions {
  /** finding codes to ignore (validated by parseIgnoreCode) */
  ignore?: readonly string[];
  /** the --zone files in force */
  zoneFiles?: readonly ZoneFileUse[];
  /** names this report's audit had answered from a zone file */
  zoneFileNames?: Iterable<string>;
  /** the facts were saved by an earlier run (--facts): their zone-file marks are looked for */
  replayed?: boolean;
}

// Serializing the facts is costly (it was 4.5 % of a bulk run's CPU), so it is done only for
// replayed facts, the one case where zone-file marks can be there without --zone.
function hasZoneFileFacts(report: Report): boolean {
  return JSON.stringify(report.facts).includes('"fromZoneFile":true');
}

export function finishReport(report: Report, options: FinishOptions = {}): Report {
  let finished = applyIgnores(report, options.ignore ?? []);
  const zoneFiles = options.zoneFiles ?? [];
  if (zoneFiles.length > 0 || (options.replayed === true && hasZoneFileFacts(finished))) {
    finished = markZoneFileUse(finished, zoneFiles, options.zoneFileNames ?? []);
  }
  return { ...finished, score: scoreReport(finished) };
}
