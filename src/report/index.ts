// The reporter map. --format picks one by name.
import { jsonReporter, ndjsonReporter } from './json.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';
import type { Reporter } from './reporter.ts';
import { sarifReporter } from './sarif.ts';
import { tableReporter } from './table.ts';

export const REPORTERS: ReadonlyMap<string, Reporter> = new Map(
  [tableReporter, jsonReporter, ndjsonReporter, markdownReporter, junitReporter, sarifReporter].map((r) => [r.name, r]),
);

/** Formats the contract names; those not in REPORTERS yet are rejected with a clear message. */
export const CONTRACT_FORMATS = ['table', 'json', 'ndjson', 'markdown', 'junit', 'sarif'] as const;
