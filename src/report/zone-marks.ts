// Marking what an audit with --zone files judged from unpublished records. A check depends on
// a zone file when one of the facts it declares holds a lookup answered from a file
// (LookupFact.fromZoneFile) or names a host the file answered for (PTR facts list the MX host
// names whose addresses they reverse-resolve, so they inherit the MX records' origin).
import { findCheck } from '../checks/index.ts';
import type { CheckResult, Report, ZoneFileUse } from '../core/report-types.ts';

function dependsOn(value: unknown, names: ReadonlySet<string>, depth = 0): boolean {
  if (depth > 64 || value === null || value === undefined) return false;
  if (typeof value === 'string') return names.has(value.toLowerCase().replace(/\.$/, ''));
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => dependsOn(v, names, depth + 1));
  const record = value as Record<string, unknown>;
  if (record.fromZoneFile === true) return true;
  return Object.values(record).some((v) => dependsOn(v, names, depth + 1));
}

export function zoneFilesText(zoneFiles: readonly ZoneFileUse[]): string {
  return zoneFiles.map((z) => `${z.file} (${z.origin || '.'})`).join(', ');
}

/**
 * A copy of the report with `zoneFiles`, `zoneFileNames` and, on every check that judged
 * zone-file data, `fromZoneFile: true` and a note saying so. Replayed facts (--facts) keep their
 * fromZoneFile flags, so this also works with `names` empty.
 */
export function markZoneFileUse(report: Report, zoneFiles: readonly ZoneFileUse[], answeredNames: Iterable<string>): Report {
  const names = [...new Set(answeredNames)].sort();
  const nameSet = new Set(names);
  const note = zoneFiles.length > 0
    ? `Judged with records from the zone file${zoneFiles.length === 1 ? '' : 's'} ${zoneFilesText(zoneFiles)}, not only published DNS.`
    : 'Judged with records that came from a zone file when these facts were gathered, not only published DNS.';
  const checks = report.checks.map((check): CheckResult => {
    if (check.status === 'skipped') return check;
    const keys = findCheck(check.id)?.facts ?? Object.keys(report.facts);
    const slots = keys.map((k) => report.facts[k]);
    if (!slots.some((slot) => dependsOn(slot, nameSet))) return check;
    return { ...check, fromZoneFile: true, notes: [...(check.notes ?? []), note] };
  });
  const marked: Report = { ...report, checks };
  if (zoneFiles.length > 0) marked.zoneFiles = zoneFiles.map((z) => ({ ...z }));
  if (zoneFiles.length > 0 || names.length > 0) marked.zoneFileNames = names;
  return marked;
}
