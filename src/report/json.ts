// json: the contract's report object (an array of them for several targets). Strings are
// escaped by JSON itself, so remote control characters cannot reach a terminal raw.
import type { Reporter } from './reporter.ts';

export const jsonReporter: Reporter = {
  name: 'json',
  render(reports) {
    return `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`;
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
};
