// Reading the reports `smtp-audit diff` compares: a file written by --format json (one report
// or an array) or --format ndjson (one per line). Only the fields the diff reads are checked;
// anything else is a DiffInputError naming the file, which the CLI turns into exit code 2.
import { readFileSync } from 'node:fs';
import { STATUSES, type Report } from '../core/report-types.ts';

export class DiffInputError extends Error {
  override name = 'DiffInputError';
}

const SEVERITIES = ['info', 'warn', 'fail'];

function parse(text: string, file: string): unknown[] {
  try {
    const data: unknown = JSON.parse(text);
    return Array.isArray(data) ? data : [data];
  } catch {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length === 0) throw new DiffInputError(`${file} is empty`);
    return lines.map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new DiffInputError(`${file} is neither JSON nor NDJSON (line ${i + 1} does not parse)`);
      }
    });
  }
}

function assertReport(value: unknown, file: string, index: number): asserts value is Report {
  const where = `${file}${index > 0 ? ` (report ${index + 1})` : ''}`;
  const fail = (why: string): never => { throw new DiffInputError(`${where} is not a smtp-audit report: ${why}`); };
  if (value === null || typeof value !== 'object') fail('not an object');
  const r = value as Record<string, unknown>;
  if (r.schemaVersion !== 1) fail('schemaVersion is not 1');
  if ((r.tool as { name?: unknown } | undefined)?.name !== 'smtp-audit') fail('tool.name is not "smtp-audit"');
  if (typeof r.domain !== 'string' || r.domain === '') fail('no domain');
  if (!Array.isArray(r.checks)) fail('no checks array');
  for (const check of r.checks as unknown[]) {
    const c = check as Record<string, unknown>;
    if (!c || typeof c.id !== 'string' || typeof c.area !== 'string' || !STATUSES.includes(c.status as never) || !Array.isArray(c.findings)) {
      fail(`a check without id, area, a known status or findings (${JSON.stringify(c?.id ?? null)})`);
    }
    for (const finding of c.findings as unknown[]) {
      const f = finding as Record<string, unknown>;
      if (!f || typeof f.code !== 'string' || typeof f.subject !== 'string' || !SEVERITIES.includes(f.severity as string) || typeof f.message !== 'string') {
        fail(`check ${String(c.id)} has a finding without code, subject, severity or message`);
      }
    }
  }
}

export function parseReports(text: string, file: string): Report[] {
  const items = parse(text, file);
  if (items.length === 0) throw new DiffInputError(`${file} holds no report`);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    assertReport(item, file, i);
    if (seen.has(item.domain)) throw new DiffInputError(`${file} has two reports for ${item.domain}`);
    seen.add(item.domain);
  });
  return items as Report[];
}

export function readReports(file: string): Report[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DiffInputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseReports(text, file);
}
