// The outputs of one run, fed report by report. Memory does not grow with the number of
// targets where the format allows it:
// - streaming formats (json, ndjson: Reporter.stream) write each report's text as it arrives
//   and keep nothing of it; json is still one document (an array, closed at the end);
// - the others (table, markdown, junit, sarif) need the whole run, so each report is kept
//   without its facts (the bulk of a report; those renderers read only checks, summary and
//   score) and rendered in input order at the end;
// - --save-facts streams too: the facts file is one JSON document whose `audits` array is
//   written entry by entry.
// Files are written through src/cli/output-file.ts: into a temp file, put in place by
// commit() when the run is over (also after an internal error, with the reports that
// finished), or removed by abort().
import type { Writable } from 'node:stream';
import type { FactSlots } from '../core/facts.ts';
import type { Report } from '../core/report-types.ts';
import type { OutputSpec } from '../report/multi-format.ts';
import type { RenderOptions, Reporter, ReportStream } from '../report/reporter.ts';
import { openOutput, planOutput, type OutputFile } from './output-file.ts';
import type { Progress } from './progress.ts';
import { UsageError } from './usage-error.ts';

/** The part of a report the end-of-run renderers read: everything but the facts. */
export function compactReport(report: Report): Report {
  const { facts: _facts, ...rest } = report;
  return { ...rest, facts: {} } as Report;
}

interface OpenOutput {
  file: OutputFile;
  toStdout: boolean;
  /** streaming form, or null: kept and rendered at the end */
  stream: ReportStream | null;
  reporter: Reporter;
  options: RenderOptions;
  written: number;
  /** input-order streams: the text of reports that finished before an earlier one, by input index */
  waiting: Map<number, string>;
  /** input-order streams: the input index written next */
  nextIndex: number;
}

/**
 * How much report text an input-order output (json) may hold for reports that finished ahead
 * of an earlier, slower one. Past it, no new audit starts until the slow one is written: memory
 * stays bounded whatever the timeouts, at the price of a pause behind a very slow target.
 */
export const MAX_WAITING_BYTES = 64 * 1024 * 1024;

export interface SaveFactsHeader {
  tool: { name: 'smtp-audit'; version: string };
  savedAt: string;
}

export interface ReportOutputsSettings {
  outputs: readonly OutputSpec[];
  reporters: ReadonlyMap<string, Reporter>;
  /** render options per destination (colour only on a terminal) */
  optionsFor: (output: OutputSpec) => RenderOptions;
  /** reports announced (a json array or a single object) */
  total: number;
  stdout: Writable;
  /** --save-facts file, with the header of the facts document */
  saveFacts?: { file: string; header: SaveFactsHeader } | null;
  /** a spinner to take off the terminal line while stdout is written */
  progress?: Progress;
}

/** Pretty-printed like JSON.stringify(document, null, 2), where the entry is one level deeper. */
function indented(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth);
  return `${pad}${JSON.stringify(value, null, 2).replaceAll('\n', `\n${pad}`)}`;
}

export class ReportOutputs {
  private readonly open: OpenOutput[];
  private readonly facts: { file: OutputFile; written: number } | null;
  private readonly kept: Array<{ index: number; report: Report }> = [];
  private readonly progress?: Progress;
  private readonly hasKept: boolean;
  private closed = false;
  /** the first write error of an output file: the run stops starting new targets */
  failure: UsageError | null = null;
  private readonly broken = new Set<OutputFile>();
  /** text held by input-order outputs, all outputs together */
  private waitingBytes = 0;
  private released = false;
  private readonly roomWaiters: Array<() => void> = [];

  constructor(settings: ReportOutputsSettings) {
    this.progress = settings.progress;
    const opened: OutputFile[] = [];
    try {
      this.open = settings.outputs.map((spec) => {
        const reporter = settings.reporters.get(spec.format)!;
        const options = settings.optionsFor(spec);
        const file = openOutput(planOutput(spec.file ?? '-', spec.file === null ? '--output' : `--format ${spec.format}:`), settings.stdout);
        opened.push(file);
        return {
          file, toStdout: file.plan.mode === 'stdout', stream: reporter.stream?.(options, settings.total) ?? null,
          reporter, options, written: 0, waiting: new Map(), nextIndex: 0,
        };
      });
      this.facts = settings.saveFacts
        ? { file: openOutput(planOutput(settings.saveFacts.file, '--save-facts'), settings.stdout), written: 0 }
        : null;
    } catch (error) {
      for (const file of opened) void file.abort();
      throw error;
    }
    for (const file of [...this.open.map((o) => o.file), ...(this.facts ? [this.facts.file] : [])]) {
      if (file.plan.mode === 'stdout') continue; // main.ts handles a reader that goes away
      file.stream.on('error', (error: NodeJS.ErrnoException) => {
        this.broken.add(file);
        this.failure ??= new UsageError(`cannot write ${file.plan.file}: ${error.code ?? error.message}`);
      });
    }
    this.hasKept = this.open.some((o) => o.stream === null);
    if (this.facts) {
      const { tool, savedAt } = settings.saveFacts!.header;
      // the head of JSON.stringify({schemaVersion, tool, savedAt, audits: [...]}, null, 2)
      const head = JSON.stringify({ schemaVersion: 1, tool, savedAt }, null, 2).replace(/\n}$/, ',\n  "audits": [');
      this.write(this.facts.file, head, this.facts.file.plan.mode === 'stdout');
    }
  }

  /** Writes (or keeps) one finished report; `index` is its target's place in the input. */
  add(report: Report, index: number): void {
    for (const output of this.open) {
      if (!output.stream) continue;
      const text = output.stream.report(report);
      if (!output.stream.inputOrder) {
        this.writeReport(output, text);
        continue;
      }
      output.waiting.set(index, text);
      this.waitingBytes += text.length;
      this.flushWaiting(output, false);
    }
    if (this.hasKept) this.kept.push({ index, report: compactReport(report) });
    if (this.facts) {
      const entry = { target: report.domain, facts: report.facts as FactSlots };
      this.write(this.facts.file, `${this.facts.written++ === 0 ? '\n' : ',\n'}${indented(entry, 2)}`, this.facts.file.plan.mode === 'stdout');
    }
  }

  /** Writes an input-order output's waiting reports that are next in line (all of them, in order, at the end). */
  private flushWaiting(output: OpenOutput, all: boolean): void {
    const indexes = all ? [...output.waiting.keys()].sort((a, b) => a - b) : [];
    for (;;) {
      const index = all ? indexes.shift() : output.nextIndex;
      if (index === undefined) break;
      const text = output.waiting.get(index);
      if (text === undefined) break;
      output.waiting.delete(index);
      this.waitingBytes -= text.length;
      output.nextIndex = index + 1;
      this.writeReport(output, text);
    }
    if (this.waitingBytes <= MAX_WAITING_BYTES) for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private writeReport(output: OpenOutput, text: string): void {
    this.write(output.file, output.stream!.separator(output.written++) + text, output.toStdout);
  }

  /**
   * An audit ended without a report (an internal error): the reports waiting behind it would
   * wait for ever, so nothing waits for room any more (the run stops starting audits anyway).
   */
  release(): void {
    this.released = true;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /** Resolves once every output has room again (the caller waits before starting more work). */
  async drained(): Promise<void> {
    if (this.waitingBytes > MAX_WAITING_BYTES && this.failure === null && !this.released) {
      await new Promise<void>((wake) => { this.roomWaiters.push(wake); });
    }
    const streams = new Set([...this.open.map((o) => o.file.stream), ...(this.facts ? [this.facts.file.stream] : [])]);
    await Promise.all([...streams].map((stream) => (stream.writableNeedDrain
      ? new Promise<void>((resolve) => {
        const done = () => { stream.off('drain', done); stream.off('close', done); stream.off('error', done); resolve(); };
        stream.on('drain', done); stream.on('close', done); stream.on('error', done);
      })
      : undefined)));
  }

  /**
   * Closes every output: the closing text of streamed ones, the whole text of the others
   * (from the reports kept, in input order), then each file is put in place. Used after an
   * internal error too: the reports that finished are written.
   */
  async finish(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const kept = this.hasKept ? this.kept.sort((a, b) => a.index - b.index).map((k) => k.report) : [];
    for (const output of this.open) {
      // after an internal error some input index never finished: what waits behind it is written in order
      if (output.stream?.inputOrder) this.flushWaiting(output, true);
      const text = output.stream ? output.stream.end(output.written) : output.reporter.render(kept, output.options);
      this.write(output.file, text, output.toStdout);
    }
    if (this.facts) this.write(this.facts.file, `${this.facts.written === 0 ? ']' : '\n  ]'}\n}\n`, this.facts.file.plan.mode === 'stdout');
    const files = [...this.open.map((o) => o.file), ...(this.facts ? [this.facts.file] : [])];
    // each output stands alone: one that cannot be written does not keep the others from their reports
    let failure: unknown = this.failure;
    for (const file of files) {
      if (this.broken.has(file)) { await file.abort(); continue; }
      try {
        await file.commit();
      } catch (error) {
        failure ??= new UsageError(`cannot write ${file.plan.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    if (failure) throw failure;
  }

  /** Leaves nothing behind (the temp files are removed). */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const output of this.open) await output.file.abort();
    if (this.facts) await this.facts.file.abort();
  }

  private write(file: OutputFile, text: string, toStdout: boolean): void {
    if (text === '') return;
    if (toStdout && this.progress) {
      this.progress.clear();
      file.stream.write(text);
      this.progress.render();
    } else {
      file.stream.write(text);
    }
  }
}
