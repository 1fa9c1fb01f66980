// Several formats in one run: `--format fmt[:file]`, repeatable. A format without a file goes
// to stdout (or to --output), so `--format table --format json:report.json --format
// sarif:out.sarif` prints the table and writes two files from the same reports. The file `-`
// is stdout (`--format json:-`, `--output -`).
import { resolve } from 'node:path';
import type { Report } from '../core/report-types.ts';
import type { RenderOptions, Reporter } from './reporter.ts';

export interface OutputSpec {
  format: string;
  /** null: stdout */
  file: string | null;
}

export class FormatSpecError extends Error {
  override name = 'FormatSpecError';
}

/**
 * Turns the --format values and --output into one output each. Rules: a format is known;
 * at most one output goes to stdout; --output names the file of the one format given without
 * a file (or of the default table); no file is written twice.
 */
export function planOutputs(specs: readonly string[], output: string | null, reporters: ReadonlyMap<string, Reporter>, unavailable: readonly string[] = []): OutputSpec[] {
  const outputs: OutputSpec[] = (specs.length === 0 ? ['table'] : specs).map((raw) => {
    const colon = raw.indexOf(':');
    const format = (colon < 0 ? raw : raw.slice(0, colon)).trim().toLowerCase();
    const named = colon < 0 ? null : raw.slice(colon + 1);
    const file = named === '-' ? null : named;
    if (!reporters.has(format)) {
      if (unavailable.includes(format)) throw new FormatSpecError(`--format ${format} is not available in this version`);
      throw new FormatSpecError(`unknown --format "${raw}" (use ${[...reporters.keys()].join(', ')}, optionally as fmt:file)`);
    }
    if (named !== null && named.trim() === '') throw new FormatSpecError(`--format ${raw}: the file name after ":" is empty`);
    return { format, file };
  });
  const toStdout = outputs.filter((o) => o.file === null);
  if (toStdout.length > 1) {
    throw new FormatSpecError(`only one format can go to ${output ? '--output' : 'stdout'}: ${toStdout.map((o) => o.format).join(', ')} (write the others as --format fmt:file)`);
  }
  if (output !== null) {
    if (toStdout.length === 0) throw new FormatSpecError('--output names the file for the format given without one, but every --format has its own file');
    if (output !== '-') toStdout[0]!.file = output;
  }
  const files = new Set<string>();
  for (const o of outputs) {
    if (o.file === null) continue;
    if (files.has(resolve(o.file))) throw new FormatSpecError(`${o.file} is named by two outputs`);
    files.add(resolve(o.file));
  }
  return outputs;
}

export interface RenderedOutput extends OutputSpec { text: string }

/** Renders each output that is not streamed; `colorFor` decides ANSI per destination. */
export function renderOutputs(reports: readonly Report[], outputs: readonly OutputSpec[], reporters: ReadonlyMap<string, Reporter>, options: (output: OutputSpec) => RenderOptions): RenderedOutput[] {
  return outputs.map((o) => ({ ...o, text: reporters.get(o.format)!.render(reports, options(o)) }));
}
