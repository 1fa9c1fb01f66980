// Reporters are pure: reports in, text out. The CLI decides where the text goes.
import type { Report } from '../core/report-types.ts';

export interface RenderOptions {
  /** ANSI colours allowed (a TTY, no NO_COLOR, no --no-color) */
  color: boolean;
  verbose: boolean;
}

export interface Reporter {
  name: string;
  /** all reports of the run, in input order */
  render(reports: readonly Report[], options: RenderOptions): string;
  /** one report as soon as it finishes (streaming formats); absent: render at the end */
  renderOne?(report: Report, options: RenderOptions): string;
}
