// Golden files for every report format (fixtures/golden/*), from deterministic reports (fixed
// facts, a clock that never moves, a fixed version). After an intended change to a reporter,
// regenerate with: UPDATE_GOLDEN=1 node --import ./test/support/guard.ts --test test/report/golden.test.ts
// and review the diff of fixtures/golden/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/core/report-types.ts';
import { diffReports } from '../../src/diff/diff-reports.ts';
import { renderDiff } from '../../src/diff/render-diff.ts';
import { REPORTERS } from '../../src/report/index.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { renderTableReport } from '../../src/report/table.ts';
import { displayWidth } from '../../src/report/wrap-text.ts';
import { assertValidReport } from '../support/schema.ts';
import { brokenFacts, goldenReport, goldenReports, GOLDEN_IGNORE } from './golden-reports.ts';
import { assertValidSarif } from './sarif-schema.ts';
import { assertWellFormedXml } from './xml-check.ts';

const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const file = `${GOLDEN_DIR}${name}`;
  if (update) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing golden file fixtures/golden/${name} (run with UPDATE_GOLDEN=1)`);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from fixtures/golden/${name} (UPDATE_GOLDEN=1 regenerates it; review the diff)`);
}

const render = (format: string, reports: readonly Report[]): string =>
  REPORTERS.get(format)!.render(reports, { color: false, verbose: false });

test('the golden reports are built deterministically', async () => {
  const [a, b] = [await goldenReports(), await goldenReports()];
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((r) => r.summary), [
    { pass: 2, info: 0, warn: 0, fail: 2, error: 0, skipped: 0 },
    { pass: 4, info: 0, warn: 0, fail: 0, error: 0, skipped: 0 },
    { pass: 0, info: 0, warn: 0, fail: 0, error: 4, skipped: 0 },
    { pass: 0, info: 1, warn: 0, fail: 0, error: 0, skipped: 3 },
  ]);
});

test('golden: json (and it validates against schema/report.schema.json)', async () => {
  const reports = await goldenReports();
  const text = render('json', reports);
  assertValidReport(JSON.parse(text));
  golden('report.json', text);
  const single = render('json', reports.slice(0, 1));
  assertValidReport(JSON.parse(single));
});

test('golden: ndjson, one valid report a line', async () => {
  const text = render('ndjson', await goldenReports());
  for (const line of text.trim().split('\n')) assertValidReport(JSON.parse(line));
  golden('report.ndjson', text);
});

const table = (reports: readonly Report[], width: number, verbose = false): string =>
  reports.map((r) => renderTableReport(r, { color: false, verbose, width })).join('\n');

test('golden: table at 80 and 120 columns, and with --verbose', async () => {
  const reports = await goldenReports();
  golden('report.table.80.txt', table(reports, 80));
  golden('report.table.120.txt', table(reports, 120));
  golden('report.table.verbose.80.txt', table(reports, 80, true));
});

test('table: no line is wider than the width, at any width, plain or verbose, with colours or not', async () => {
  const reports = await goldenReports();
  for (const width of [40, 60, 80, 100, 120, 200]) {
    for (const verbose of [false, true]) {
      for (const color of [false, true]) {
        const text = reports.map((r) => renderTableReport(r, { color, verbose, width })).join('\n');
        const over = text.split('\n').filter((line) => displayWidth(line) > width);
        assert.deepEqual(over, [], `width ${width}${verbose ? ', verbose' : ''}${color ? ', colour' : ''}`);
      }
    }
  }
});

test('golden: markdown, several domains and one', async () => {
  const reports = await goldenReports();
  golden('report.md', render('markdown', reports));
  golden('single.md', render('markdown', reports.slice(0, 1)));
});

test('golden: junit (well-formed XML)', async () => {
  const text = render('junit', await goldenReports());
  assertWellFormedXml(text);
  golden('report.junit.xml', text);
});

test('golden: sarif (valid against the SARIF 2.1.0 schema and GitHub\'s rules)', async () => {
  // locations as in a repository with no config file and no workflow: the documented stand-in
  const text = renderSarif(await goldenReports(), { standIn: 'smtp-audit.config.json', configFile: null, root: '/repo', cwd: '/repo', readFile: () => null });
  assertValidSarif(JSON.parse(text));
  golden('report.sarif', text);
});

test('golden: diff of two runs, as table, json and markdown', async () => {
  const before = await goldenReport('broken.example', brokenFacts(), { ignore: GOLDEN_IGNORE });
  // The next run: the alias MX and the private address are fixed (mx/targets better), the
  // new address has its PTR but mx1's PTR went missing (ptr/present still fails, with a new
  // finding), and the ignore list was dropped (ptr/forward-confirmed worse).
  const facts = brokenFacts();
  const mx = (facts.mx as { value: { hosts: Array<{ name: string; a: { values: string[]; cnames?: string[] } }> } }).value;
  delete mx.hosts[1]!.a.cnames;
  mx.hosts[2]!.a.values = ['192.0.2.12'];
  const ptr = (facts.ptr as { value: { addresses: Array<{ address: string; ptr: unknown; forward: Record<string, unknown> }> } }).value;
  ptr.addresses[0]!.ptr = { outcome: 'nxdomain', values: [] };
  ptr.addresses[0]!.forward = {};
  ptr.addresses[1]!.address = '192.0.2.12';
  ptr.addresses[1]!.ptr = { outcome: 'ok', values: ['private.broken.example'] };
  ptr.addresses[1]!.forward = { 'private.broken.example': { outcome: 'ok', values: ['192.0.2.12'] } };
  const after = await goldenReport('broken.example', facts, {}, '2026-11-24T10:00:00.000Z');
  const diff = diffReports([before], [after], { old: 'before.json', new: 'after.json' });
  golden('diff.txt', renderDiff(diff, 'table', false));
  golden('diff.json', renderDiff(diff, 'json', false));
  golden('diff.md', renderDiff(diff, 'markdown', false));
});
