// json: the contract's report object (an array of them for several targets). Strings are
// escaped by JSON itself, so remote control characters cannot reach a terminal raw.
// Both formats stream: a report's text is written as soon as it finishes, and nothing of it
// is kept (a run over 10^5 targets would otherwise build one string of gigabytes, past
// V8's string limit). JSON.stringify of an array with indent 2 puts each element on its own
// lines indented by two more spaces; the stream writes the same text element by element.
import type { Report } from '../core/report-types.ts';
import type { Reporter, ReportStream } from './reporter.ts';

/** One element of a pretty-printed array, as JSON.stringify(array, null, 2) writes it. */
function arrayElement(report: Report): string {
  // newlines only ever occur between tokens (JSON escapes those inside strings)
  return `  ${JSON.stringify(report, null, 2).replaceAll('\n', '\n  ')}`;
}

export const jsonReporter: Reporter = {
  name: 'json',
  render(reports) {
    return `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`;
  },
  stream(_options, total): ReportStream {
    // one target: the object itself; several: an array (also when fewer finished)
    if (total === 1) {
      return {
        inputOrder: true,
        separator: (index) => (index === 0 ? '' : '\n'),
        report: (report) => JSON.stringify(report, null, 2),
        end: (count) => (count === 0 ? '[]\n' : '\n'),
      };
    }
    return {
      inputOrder: true,
      separator: (index) => (index === 0 ? '[\n' : ',\n'),
      report: arrayElement,
      end: (count) => (count === 0 ? '[]\n' : '\n]\n'),
    };
  },
};

export const ndjsonReporter: Reporter = {
  name: 'ndjson',
  render(reports) {
    return reports.map((r) => `${JSON.stringify(r)}\n`).join('');
  },
  renderOne(report) {
    return `${JSON.stringify(report)}\n`;
  },
  stream(): ReportStream {
    return { inputOrder: false, separator: () => '', report: (report) => `${JSON.stringify(report)}\n`, end: () => '' };
  },
};
