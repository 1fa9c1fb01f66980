// Reporters are pure: reports in, text out. The CLI decides where the text goes.
//
// A run of 10^5 targets cannot hold every report until the end, so a reporter may also say
// how to write its output as the reports arrive (`stream`): the CLI then keeps nothing of a
// report once its text is written. Formats that need the whole run before they can say
// anything (a table sorted by target, a SARIF log, a JUnit document) only have `render`;
// the CLI keeps each report without its facts (what those renderers read) until the end.
import type { Report } from '../core/report-types.ts';

export interface RenderOptions {
  /** ANSI colours allowed (a TTY, no NO_COLOR, no --no-color) */
  color: boolean;
  verbose: boolean;
}

/**
 * Writing one output as reports arrive. Fed the reports of `render(reports)` in the same
 * order, the concatenation of separator(i) + report(r_i) for each, then end(count), is
 * exactly render(reports)'s text.
 */
export interface ReportStream {
  /**
   * true: the output is one document whose reports must be in input order (json); the CLI
   * holds a report's text until the reports before it are written. false: each report is
   * written as soon as it finishes (ndjson).
   */
  inputOrder: boolean;
  /** what goes before the report written at `index` (0 for the first) */
  separator(index: number): string;
  /** one report's text */
  report(report: Report): string;
  /** the closing text, once `count` reports were written (possibly fewer than announced) */
  end(count: number): string;
}

export interface Reporter {
  name: string;
  /** all reports of the run, in input order */
  render(reports: readonly Report[], options: RenderOptions): string;
  /** one report as soon as it finishes (streaming formats); absent: render at the end */
  renderOne?(report: Report, options: RenderOptions): string;
  /** the streaming form, for a run that announces `total` reports; absent: render at the end */
  stream?(options: RenderOptions, total: number): ReportStream;
}
