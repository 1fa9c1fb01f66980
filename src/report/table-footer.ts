// The lines the table report ends its summary with: the score, the zone files the audit was
// judged with, and how many findings --ignore set aside.
import type { Report } from '../core/report-types.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import { capText, reportScore, scoreValueText } from './score-text.ts';
import { zoneFilesText } from './zone-marks.ts';

export function tableFooterLines(report: Report): string[] {
  const cap = capText(report);
  const lines = [reportScore(report) ? `Score: ${scoreValueText(report)}${cap ? ` (${cap})` : ''}` : 'Score withheld: not enough was determined'];
  if (report.zoneFiles && report.zoneFiles.length > 0) {
    const names = report.zoneFileNames ?? [];
    lines.push(sanitizeRemoteText(`Audited with zone file${report.zoneFiles.length === 1 ? '' : 's'} ${zoneFilesText(report.zoneFiles)}: ${names.length} name${names.length === 1 ? '' : 's'} answered from it${names.length > 0 ? ` (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})` : ''}`));
  }
  const ignored = report.checks.flatMap((c) => (c.ignoredFindings ?? []).map((f) => f.code));
  if (ignored.length > 0) lines.push(`Ignored: ${ignored.length} finding${ignored.length === 1 ? '' : 's'} (${[...new Set(ignored)].join(', ')}), not counted in the statuses`);
  return lines;
}
