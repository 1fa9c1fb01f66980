// Reading the reports of earlier runs (shard outputs) without holding them: NDJSON files are
// read line by line, and each report's place (file, byte offset, length) is recorded so that
// a second pass can read them again in any order, one at a time. A file holding one
// pretty-printed JSON report or an array of them (`--format json`) is read whole instead.
import { createReadStream, openSync, closeSync, readSync, readFileSync } from 'node:fs';
import type { Report } from '../core/report-types.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import { UsageError } from './usage-error.ts';

/** A line of NDJSON longer than this is not a report of ours (reports are KB to a few MB). */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

export interface ReportPlace {
  file: string;
  /** NDJSON: the report's line; document files: -1 (use the index) */
  offset: number;
  length: number;
  /** position in a JSON document's array, or the line number */
  index: number;
}

interface Line { text: string; offset: number; length: number; number: number }

/** The lines of a file with their byte offsets (\n or \r\n endings; blank lines skipped). */
async function* readLines(file: string): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let offset = 0;
  let lineStart = 0;
  let number = 0;
  const emit = (parts: Buffer[], length: number, start: number): Line | null => {
    number++;
    let bytes = Buffer.concat(parts, length);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const text = bytes.toString('utf8');
    return text.trim() === '' ? null : { text, offset: start, length: bytes.length, number };
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      pending.push(chunk.subarray(from, nl));
      const line = emit(pending, pendingLength + nl - from, lineStart);
      offset += nl - from + 1;
      lineStart = offset;
      pending = [];
      pendingLength = 0;
      from = nl + 1;
      if (line) yield line;
    }
    if (from < chunk.length) {
      pending.push(chunk.subarray(from));
      pendingLength += chunk.length - from;
      offset += chunk.length - from;
      if (pendingLength > MAX_REPORT_BYTES) throw new UsageError(`${file} line ${number + 1} is over ${MAX_REPORT_BYTES / 1048576} MB: not a report`);
    }
  }
  if (pendingLength > 0) {
    const line = emit(pending, pendingLength, lineStart);
    if (line) yield line;
  }
}

/** A report as --format json/ndjson writes it, or a UsageError naming where it is not. */
export function asReport(value: unknown, where: string): Report {
  const r = value as Partial<Report> | null;
  if (!r || typeof r !== 'object' || Array.isArray(r) || r.schemaVersion !== 1 || typeof r.domain !== 'string'
    || !Array.isArray(r.checks) || typeof r.summary !== 'object' || r.summary === null) {
    throw new UsageError(`${where} is not a smtp-audit report (schemaVersion 1 with domain, summary and checks)`);
  }
  return r as Report;
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON (${sanitizeRemoteText((error as Error).message).slice(0, 120)})`);
  }
}

/** Reads a file whose first line opens a JSON document (`--format json`): one report or an array. */
function readDocument(file: string): Report[] {
  const value = parse(readFileSync(file, 'utf8'), file);
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => asReport(item, Array.isArray(value) ? `${file} element ${i + 1}` : file));
}

export interface ScannedReport { domain: string; place: ReportPlace }

/**
 * First pass over one file: every report's target name and place. NDJSON lines are parsed
 * one at a time and dropped; a JSON document is parsed whole (it was one string already).
 */
export async function* scanReports(file: string): AsyncGenerator<ScannedReport> {
  let first = true;
  for await (const line of readLines(file)) {
    const head = line.text.trim();
    if (first && (head === '[' || head === '{' || head === '[]')) {
      const reports = readDocument(file);
      for (let i = 0; i < reports.length; i++) yield { domain: reports[i]!.domain, place: { file, offset: -1, length: 0, index: i } };
      return;
    }
    first = false;
    const report = asReport(parse(line.text, `${file} line ${line.number}`), `${file} line ${line.number}`);
    yield { domain: report.domain, place: { file, offset: line.offset, length: line.length, index: line.number } };
  }
}

/** Reads reports back by place, keeping each file open once and each JSON document parsed once. */
export class ReportReader {
  private readonly fds = new Map<string, number>();
  private document: { file: string; reports: Report[] } | null = null;

  read(place: ReportPlace): Report {
    if (place.offset < 0) {
      if (this.document?.file !== place.file) this.document = { file: place.file, reports: readDocument(place.file) };
      return this.document.reports[place.index]!;
    }
    let fd = this.fds.get(place.file);
    if (fd === undefined) {
      fd = openSync(place.file, 'r');
      this.fds.set(place.file, fd);
    }
    const bytes = Buffer.alloc(place.length);
    let done = 0;
    while (done < place.length) {
      const n = readSync(fd, bytes, done, place.length - done, place.offset + done);
      if (n === 0) throw new UsageError(`${place.file} changed while it was being merged`);
      done += n;
    }
    const where = `${place.file} line ${place.index}`;
    return asReport(parse(bytes.toString('utf8'), where), where);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.document = null;
  }
}
